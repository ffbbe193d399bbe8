/** Small scripted actors for kernel tests: they log what reaches them and do what the test tells them. */
import type { TraceRecord } from '../../sim/trace.js';
import { World } from '../../sim/world.js';
import type { Actor, ActorContext, Phase, WorldOptions } from '../../sim/world.js';
import type { RandomStream } from '../../sim/random.js';

export interface ToyMessage {
  type: string;
  n?: number;
}

export interface ToyTimer {
  tag: string;
  data?: unknown;
}

/** What toy actors trace: any kind, any fields. */
export type ToyEvent = TraceRecord & Record<string, unknown>;

export interface ToyProtocol {
  message: ToyMessage;
  timer: ToyTimer;
  event: ToyEvent;
}

/** The kernel context, with the terse timer and trace calls the kernel tests are written in. */
export interface ToyContext {
  readonly now: number;
  readonly self: string;
  readonly phase: Phase;
  readonly rng: RandomStream;
  send(to: string, message: ToyMessage): void;
  sendBackground(to: string, message: ToyMessage): void;
  setTimer(delayUs: number, tag: string, data?: unknown): void;
  trace(kind: string, fields?: Record<string, unknown>): void;
}

function toyContext(ctx: ActorContext<ToyProtocol>): ToyContext {
  return {
    get now() {
      return ctx.now;
    },
    get self() {
      return ctx.self;
    },
    get phase() {
      return ctx.phase;
    },
    get rng() {
      return ctx.rng;
    },
    send: (to, message) => ctx.send(to, message),
    sendBackground: (to, message) => ctx.sendBackground(to, message),
    setTimer: (delayUs, tag, data) => ctx.setTimer(delayUs, { tag, data }),
    trace: (kind, fields) => ctx.record({ t: ctx.now, actor: ctx.self, kind, ...fields }),
  };
}

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

export class Toy implements Actor<ToyProtocol> {
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

  start(ctx: ActorContext<ToyProtocol>): void {
    this.starts++;
    this.script.start?.(toyContext(ctx), this);
  }

  receive(ctx: ActorContext<ToyProtocol>, from: string, message: ToyMessage): void {
    this.received.push({ t: ctx.now, from, message });
    this.script.receive?.(toyContext(ctx), from, message, this);
  }

  timer(ctx: ActorContext<ToyProtocol>, timer: ToyTimer): void {
    this.timers.push({ t: ctx.now, tag: timer.tag, data: timer.data });
    this.script.timer?.(toyContext(ctx), timer.tag, timer.data, this);
  }

  crash(): void {
    this.crashes++;
    this.volatile = [];
  }
}

export const DEFAULT_TOY_OPTIONS: WorldOptions = { seed: 1, latencyUsMin: 100, latencyUsMax: 100, healAtUs: 10_000, maxEvents: 100_000, maxVirtualTimeUs: 1_000_000 };

export function toyWorld(actors: Toy[], options: Partial<WorldOptions> = {}): World<ToyProtocol> {
  const world = new World<ToyProtocol>({ ...DEFAULT_TOY_OPTIONS, ...options });
  for (const actor of actors) world.addActor(actor);
  return world;
}
