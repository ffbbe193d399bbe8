/** Small scripted actors for kernel tests: they log what reaches them and do what the test tells them. */
import { World } from '../../sim/world.js';
import type { Actor, ActorContext, WorldOptions } from '../../sim/world.js';

export interface ToyMessage {
  type: string;
  n?: number;
}

export type ToyContext = ActorContext<ToyMessage>;

export interface Delivery {
  t: number;
  from: string;
  message: ToyMessage;
}

export interface ToyScript {
  start?(ctx: ToyContext, actor: Toy): void;
  receive?(ctx: ToyContext, from: string, message: ToyMessage, actor: Toy): void;
  timer?(ctx: ToyContext, tag: string, data: unknown, actor: Toy): void;
}

export class Toy implements Actor<ToyMessage> {
  /** Survives crashes. */
  durable: string[] = [];
  /** Dropped by crash(). */
  volatile: string[] = [];
  starts = 0;
  crashes = 0;
  readonly received: Delivery[] = [];
  readonly timers: { t: number; tag: string; data: unknown }[] = [];

  constructor(
    readonly id: string,
    private readonly script: ToyScript = {},
  ) {}

  start(ctx: ToyContext): void {
    this.starts++;
    this.script.start?.(ctx, this);
  }

  receive(ctx: ToyContext, from: string, message: ToyMessage): void {
    this.received.push({ t: ctx.now, from, message });
    this.script.receive?.(ctx, from, message, this);
  }

  timer(ctx: ToyContext, tag: string, data: unknown): void {
    this.timers.push({ t: ctx.now, tag, data });
    this.script.timer?.(ctx, tag, data, this);
  }

  crash(): void {
    this.crashes++;
    this.volatile = [];
  }
}

export const DEFAULT_TOY_OPTIONS: WorldOptions = { seed: 1, latencyUsMin: 100, latencyUsMax: 100, healAtUs: 10_000, maxEvents: 100_000, maxVirtualTimeUs: 1_000_000 };

export function toyWorld(actors: Toy[], options: Partial<WorldOptions> = {}): World<ToyMessage> {
  const world = new World<ToyMessage>({ ...DEFAULT_TOY_OPTIONS, ...options });
  for (const actor of actors) world.addActor(actor);
  return world;
}
