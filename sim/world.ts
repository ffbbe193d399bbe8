/**
 * The deterministic world: virtual time, one event queue, actors that see only a context, a network,
 * crash/restart with durable vs volatile state, a faulty phase then a heal phase, limits on everything.
 * It knows nothing about brokers or messages' meaning; models plug in through Actor, WorldHooks and a Protocol
 * that names their message, timer and trace-event unions.
 */
import { EventQueue } from './event-queue.js';
import { Network } from './network.js';
import type { NetworkVerdict, PartitionWindow } from './network.js';
import { RandomStreams } from './random.js';
import type { RandomStream } from './random.js';
import { Trace } from './trace.js';
import type { KernelEvent, TraceOptions, TraceRecord } from './trace.js';

export type Phase = 'faulty' | 'heal';

/** The three typed unions a model speaks: what crosses the network, what its timers carry, what it traces. */
export interface Protocol {
  message: { readonly type: string };
  timer: { readonly tag: string };
  event: TraceRecord;
}

export interface ActorContext<P extends Protocol> {
  /** Virtual time in microseconds. */
  readonly now: number;
  readonly self: string;
  readonly phase: Phase;
  /** This actor's own random stream (named after the actor). */
  readonly rng: RandomStream;
  send(to: string, message: P['message']): void;
  /**
   * Background traffic (a heartbeat thread's): its own links and latency stream, never faulted, dropped silently
   * by partitions and crashes, untraced, and not counted in flight (quiescence does not wait for it).
   */
  sendBackground(to: string, message: P['message']): void;
  /** Timers die with the actor's incarnation: a crash cancels every pending timer. */
  setTimer(delayUs: number, timer: P['timer']): void;
  /**
   * Append a record the caller built whole, `{ t: ctx.now, actor: ctx.self, kind, ...}` in that key order (the
   * order is part of the trace's bytes). Nothing is recorded once the actor has crashed inside its own handler.
   */
  record(record: P['event']): void;
  /**
   * Work of this actor goes on outside the kernel (a user's async handler awaiting a promise the actor resolved):
   * pause the run after this event and await the caller's host turn (`runAsync`: promise callbacks run there), so
   * that work continues at this same virtual time, before any later event.
   */
  requestHostTurn(): void;
}

export interface Actor<P extends Protocol> {
  readonly id: string;
  /** Called at t=0 and after every restart: the actor's recovery logic, from durable state only. */
  start(ctx: ActorContext<P>): void;
  receive(ctx: ActorContext<P>, from: string, message: P['message']): void;
  timer(ctx: ActorContext<P>, timer: P['timer']): void;
  /** Drop volatile state. Durable state (logs, tables, committed offsets) must survive. */
  crash(): void;
}

export interface WorldHooks<P extends Protocol> {
  /** Decide a fault for one message in flight (drop / duplicate / delay), or undefined to deliver it. */
  networkFault?(from: string, to: string, message: P['message'], nowUs: number, phase: Phase): NetworkVerdict | undefined;
  /** True when the model has nothing left to do; checked only in the heal phase. */
  isQuiescent(): boolean;
  /**
   * A number that changes whenever the model moves forward (an effect applied, a record parked, an offset
   * committed). After healing, a run whose progress stands still for `progressTimeoutUs` is stalled.
   */
  progress?(): number;
  /** Called once when the heal phase starts, after crashed actors were restarted. */
  onHeal?(): void;
}
export interface WorldOptions {
  seed: number | string;
  latencyUsMin: number;
  latencyUsMax: number;
  /** Virtual time at which faults stop, partitions are repaired and crashed actors restart. */
  healAtUs: number;
  /** Stop with outcome `limit` after this many events. */
  maxEvents: number;
  /** Stop with outcome `limit` when virtual time would pass this. */
  maxVirtualTimeUs: number;
  /** After healing, stop with outcome `stalled` once the hooks' progress has not moved for this long. Default: never. */
  progressTimeoutUs?: number;
  /** What the trace keeps, hashes and streams (default: every record kept, hashed on demand). */
  trace?: TraceOptions;
}

export type RunOutcome =
  | { readonly kind: 'quiescent' }
  /**
   * Nothing left to run (or, with `idleSinceUs`, nothing moved forward since then), yet the model says it has not
   * settled: something waits for an answer that cannot come, or retries what can never succeed.
   */
  | { readonly kind: 'stalled'; readonly idleSinceUs?: number }
  | { readonly kind: 'limit'; readonly limit: 'events' | 'virtual-time'; readonly value: number };

export interface WorldRunResult {
  outcome: RunOutcome;
  events: number;
  virtualTimeUs: number;
}

const DELIVER = 0;
const TIMER = 1;
const RESTART = 2;
const CONTROL = 3;
/** A background message: not counted in flight, not traced when lost. */
const DELIVER_BACKGROUND = 4;

/**
 * One queued event. Events are recycled through a free list once dispatched (nothing else holds them),
 * which keeps the kernel's allocation rate, and so its garbage collection, flat.
 */
interface WorldEvent {
  time: number;
  seq: number;
  kind: number;
  target: number;
  incarnation: number;
  /** Sender's actor index for deliveries (-1 otherwise). */
  from: number;
  payload: unknown;
}

interface ActorSlot<P extends Protocol> {
  actor: Actor<P>;
  context: Context<P>;
  up: boolean;
  incarnation: number;
  /** Network link id towards each target actor index, -1 until first used (and the background ones). */
  links: number[];
  backgroundLinks: number[];
}

class Context<P extends Protocol> implements ActorContext<P> {
  /** Set right after construction; the slot is what `record` checks for liveness (no id lookup per record). */
  slot!: ActorSlot<P>;
  private stream: RandomStream | undefined;
  constructor(
    private readonly world: World<P>,
    private readonly index: number,
    readonly self: string,
  ) {}
  /** Created on first use: seeding a stream costs more than a short run's events, and most actors never draw. */
  get rng(): RandomStream {
    return (this.stream ??= this.world.streams.stream(`actor:${this.self}`));
  }
  get now(): number {
    return this.world.now;
  }
  get phase(): Phase {
    return this.world.phase;
  }
  send(to: string, message: P['message']): void {
    this.world.send(this.index, to, message);
  }
  sendBackground(to: string, message: P['message']): void {
    this.world.sendBackground(this.index, to, message);
  }
  setTimer(delayUs: number, timer: P['timer']): void {
    this.world.setTimer(this.index, delayUs, timer);
  }
  record(record: P['event']): void {
    // A crashed actor's handler may still be unwinding; what it does after the crash did not happen.
    if (!this.slot.up) return;
    this.world.trace.append(record);
  }
  requestHostTurn(): void {
    this.world.hostTurnRequested = true;
  }
}

export class World<P extends Protocol> {
  readonly streams: RandomStreams;
  readonly trace: Trace<P['event'] | KernelEvent>;
  readonly network: Network;
  now = 0;
  phase: Phase = 'faulty';
  private readonly queue = new EventQueue<WorldEvent>();
  private readonly slots: ActorSlot<P>[] = [];
  private readonly indexById = new Map<string, number>();
  private hooks: WorldHooks<P> = { isQuiescent: () => true };
  private inFlight = 0;
  private events = 0;
  private readonly freeEvents: WorldEvent[] = [];
  private lastProgress = Number.NaN;
  private lastProgressUs = 0;
  private started = false;
  /** True after an event whose actor asked for a host turn (requestHostTurn), until the run resumes. */
  hostTurnRequested = false;
  /** The event count at which `watcher` is next called (never, without one). */
  private nextWatchAt = Number.POSITIVE_INFINITY;
  private watchEveryEvents = 0;
  private watcher: ((events: number, nowUs: number) => void) | undefined;

  constructor(readonly options: WorldOptions) {
    for (const key of ['healAtUs', 'maxEvents', 'maxVirtualTimeUs'] as const) {
      const value = options[key];
      if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`${key} must be a non-negative integer, got ${value}`);
    }
    const progressTimeoutUs = options.progressTimeoutUs;
    if (progressTimeoutUs !== undefined && !(Number.isInteger(progressTimeoutUs) && progressTimeoutUs > 0)) throw new RangeError(`progressTimeoutUs must be a positive integer, got ${progressTimeoutUs}`);
    this.trace = new Trace(options.trace);
    this.streams = new RandomStreams(options.seed);
    this.network = new Network({ latencyUsMin: options.latencyUsMin, latencyUsMax: options.latencyUsMax }, this.streams.stream('network'), this.streams.stream('network:background'));
    this.network.healAt(options.healAtUs);
  }

  setHooks(hooks: WorldHooks<P>): void {
    this.hooks = hooks;
  }

  /**
   * Calls `watcher` after every `everyEvents` events (with the events so far and the virtual time): how a host shows a
   * long run's progress. The watcher only reads; what it is told is the same on every run of the same seed.
   */
  watch(everyEvents: number, watcher: (events: number, nowUs: number) => void): void {
    if (!(Number.isInteger(everyEvents) && everyEvents > 0)) throw new RangeError(`everyEvents must be a positive integer, got ${everyEvents}`);
    this.watchEveryEvents = everyEvents;
    this.watcher = watcher;
    this.nextWatchAt = this.events + everyEvents;
  }

  addActor(actor: Actor<P>): void {
    if (this.indexById.has(actor.id)) throw new Error(`duplicate actor id ${actor.id}`);
    const index = this.slots.length;
    this.indexById.set(actor.id, index);
    const context = new Context(this, index, actor.id);
    const slot: ActorSlot<P> = { actor, context, up: true, incarnation: 0, links: [], backgroundLinks: [] };
    context.slot = slot;
    this.slots.push(slot);
  }

  /** The context of an actor, for world-level hooks that act on its behalf (e.g. healing). */
  contextOf(id: string): ActorContext<P> {
    return this.slot(id).context;
  }

  isUp(id: string): boolean {
    return this.slot(id).up;
  }

  /** Partition the link a <-> b for [fromUs, toUs); repaired at the heal phase at the latest. */
  partition(window: PartitionWindow): void {
    this.network.addPartition(window);
    this.at(window.fromUs, () => this.trace.append({ t: this.now, actor: 'network', kind: 'partition-start', link: `${window.a}<->${window.b}`, untilUs: Math.min(window.toUs, this.options.healAtUs) }));
    this.at(Math.min(window.toUs, this.options.healAtUs), () => this.trace.append({ t: this.now, actor: 'network', kind: 'partition-end', link: `${window.a}<->${window.b}` }));
  }

  /** Run a world-level callback at a virtual time (fault injection at a time, phase changes). */
  at(timeUs: number, callback: () => void): void {
    this.enqueue(Math.max(timeUs, this.now), CONTROL, -1, 0, -1, callback);
  }

  /**
   * Crash an actor now: its volatile state is dropped, its timers cancelled, messages in flight to it lost.
   * With restartAfterUs it restarts (runs its recovery) after that delay; in any case it restarts at heal.
   */
  crash(id: string, restartAfterUs: number | undefined): void {
    const index = this.indexById.get(id);
    if (index === undefined) throw new Error(`unknown actor ${id}`);
    const slot = this.slots[index];
    if (!slot.up) return;
    slot.up = false;
    slot.incarnation++;
    slot.actor.crash();
    this.trace.append({ t: this.now, actor: id, kind: 'crash' });
    if (restartAfterUs !== undefined) {
      this.enqueue(this.now + restartAfterUs, RESTART, index, slot.incarnation, -1, undefined);
    }
  }

  /** Run to quiescence or a limit. Actors that need the host's event loop (requestHostTurn) need runAsync. */
  run(): WorldRunResult {
    const result = this.runSlice();
    if (result === undefined) throw new Error('an actor asked for the host event loop (an async handler): run the world with runAsync');
    return result;
  }

  /**
   * Run to quiescence or a limit, awaiting `hostTurn` after every event that asked for it (requestHostTurn): an
   * async handler then continues at that event's virtual time, before the next event.
   */
  async runAsync(hostTurn: () => Promise<void>): Promise<WorldRunResult> {
    for (;;) {
      const result = this.runSlice();
      if (result !== undefined) return result;
      await hostTurn();
    }
  }

  /** Events until the run ends (its result) or an actor asks for a host turn (undefined). */
  private runSlice(): WorldRunResult | undefined {
    this.hostTurnRequested = false;
    if (!this.started) {
      this.started = true;
      if (this.now === 0) {
        this.at(this.options.healAtUs, () => this.heal());
        for (const slot of this.slots) slot.actor.start(slot.context);
        if (this.hostTurnRequested) return undefined;
      }
    }
    const { maxEvents, maxVirtualTimeUs } = this.options;
    const progressTimeoutUs = this.options.progressTimeoutUs ?? Number.POSITIVE_INFINITY;
    const queue = this.queue;
    for (;;) {
      if (this.phase === 'heal') {
        if (this.inFlight === 0 && this.hooks.isQuiescent()) return this.finish({ kind: 'quiescent' });
        if (this.idleTooLong(progressTimeoutUs)) return this.finish({ kind: 'stalled', idleSinceUs: this.lastProgressUs });
      }
      const event = queue.peek();
      if (event === undefined) return this.finish({ kind: 'stalled' });
      if (event.time > maxVirtualTimeUs) return this.finish({ kind: 'limit', limit: 'virtual-time', value: maxVirtualTimeUs });
      if (this.events >= maxEvents) return this.finish({ kind: 'limit', limit: 'events', value: maxEvents });
      queue.pop();
      this.events++;
      this.now = event.time;
      this.dispatch(event);
      event.payload = undefined;
      this.freeEvents.push(event);
      if (this.events >= this.nextWatchAt) this.callWatcher();
      if (this.hostTurnRequested) return undefined;
    }
  }

  private callWatcher(): void {
    this.nextWatchAt = this.events + this.watchEveryEvents;
    this.watcher?.(this.events, this.now);
  }

  /** True once the model's progress has stood still for longer than the timeout (heal phase only). */
  private idleTooLong(progressTimeoutUs: number): boolean {
    if (this.hooks.progress === undefined) return false;
    const value = this.hooks.progress();
    if (value !== this.lastProgress) {
      this.lastProgress = value;
      this.lastProgressUs = this.now;
      return false;
    }
    return this.now - this.lastProgressUs > progressTimeoutUs;
  }

  /** @internal used by contexts */
  send(fromIndex: number, to: string, message: P['message']): void {
    const source = this.slots[fromIndex];
    // An actor that crashed inside its own handler sends nothing more.
    if (!source.up) return;
    const from = source.actor.id;
    const target = this.indexById.get(to);
    if (target === undefined) throw new Error(`send to unknown actor ${to}`);
    if (this.network.isPartitioned(from, to, this.now)) {
      this.trace.append({ t: this.now, actor: 'network', kind: 'partition-drop', from, to, type: message.type });
      return;
    }
    const verdict = this.hooks.networkFault?.(from, to, message, this.now, this.phase);
    if (verdict?.kind === 'drop') return;
    const extra = verdict?.kind === 'delay' ? verdict.delayUs : 0;
    const incarnation = this.slots[target].incarnation;
    let link = source.links[target] as number | undefined;
    if (link === undefined) {
      link = this.network.linkId(from, to);
      source.links[target] = link;
    }
    this.enqueueDelivery(target, incarnation, fromIndex, message, this.network.deliveryTimeOnLink(link, this.now, extra));
    if (verdict?.kind === 'duplicate') {
      this.enqueueDelivery(target, incarnation, fromIndex, message, this.network.deliveryTimeOnLink(link, this.now, 0));
    }
  }

  /** @internal used by contexts */
  sendBackground(fromIndex: number, to: string, message: P['message']): void {
    const source = this.slots[fromIndex];
    if (!source.up) return;
    const target = this.indexById.get(to);
    if (target === undefined) throw new Error(`send to unknown actor ${to}`);
    if (this.network.isPartitioned(source.actor.id, to, this.now)) return;
    let link = source.backgroundLinks[target] as number | undefined;
    if (link === undefined) {
      link = this.network.linkId(source.actor.id, to, true);
      source.backgroundLinks[target] = link;
    }
    this.enqueue(this.network.deliveryTimeOnLink(link, this.now, 0), DELIVER_BACKGROUND, target, this.slots[target].incarnation, fromIndex, message);
  }

  /** @internal used by contexts */
  setTimer(index: number, delayUs: number, timer: P['timer']): void {
    if (!(delayUs >= 0)) throw new RangeError(`timer delay must be >= 0, got ${delayUs}`);
    const slot = this.slots[index];
    if (!slot.up) return;
    this.enqueue(this.now + Math.round(delayUs), TIMER, index, slot.incarnation, -1, timer);
  }

  private enqueueDelivery(target: number, incarnation: number, from: number, message: P['message'], time: number): void {
    this.inFlight++;
    this.enqueue(time, DELIVER, target, incarnation, from, message);
  }

  private enqueue(time: number, kind: number, target: number, incarnation: number, from: number, payload: unknown): void {
    let event = this.freeEvents.pop();
    if (event === undefined) {
      event = { time, seq: 0, kind, target, incarnation, from, payload };
    } else {
      event.time = time;
      event.kind = kind;
      event.target = target;
      event.incarnation = incarnation;
      event.from = from;
      event.payload = payload;
    }
    this.queue.push(event);
  }

  private dispatch(event: WorldEvent): void {
    switch (event.kind) {
      case DELIVER: {
        this.inFlight--;
        const slot = this.slots[event.target];
        const from = this.slots[event.from].actor.id;
        if (!slot.up || slot.incarnation !== event.incarnation) {
          // Messages in flight to a crashed actor are lost with its connections.
          this.trace.append({ t: this.now, actor: 'network', kind: 'lost-to-crash', from, to: slot.actor.id, type: (event.payload as P['message']).type });
          return;
        }
        slot.actor.receive(slot.context, from, event.payload as P['message']);
        return;
      }
      case DELIVER_BACKGROUND: {
        const slot = this.slots[event.target];
        if (!slot.up || slot.incarnation !== event.incarnation) return;
        slot.actor.receive(slot.context, this.slots[event.from].actor.id, event.payload as P['message']);
        return;
      }
      case TIMER: {
        const slot = this.slots[event.target];
        if (!slot.up || slot.incarnation !== event.incarnation) return;
        slot.actor.timer(slot.context, event.payload as P['timer']);
        return;
      }
      case RESTART: {
        const slot = this.slots[event.target];
        if (slot.up || slot.incarnation !== event.incarnation) return;
        this.restart(event.target);
        return;
      }
      default:
        (event.payload as () => void)();
    }
  }

  private restart(index: number): void {
    const slot = this.slots[index];
    slot.up = true;
    slot.incarnation++;
    this.trace.append({ t: this.now, actor: slot.actor.id, kind: 'restart' });
    slot.actor.start(slot.context);
  }

  private heal(): void {
    this.phase = 'heal';
    this.lastProgressUs = this.now;
    this.trace.append({ t: this.now, actor: 'world', kind: 'heal' });
    for (let index = 0; index < this.slots.length; index++) if (!this.slots[index].up) this.restart(index);
    this.hooks.onHeal?.();
  }

  private finish(outcome: RunOutcome): WorldRunResult {
    if (outcome.kind === 'limit') this.trace.append({ t: this.now, actor: 'world', kind: 'limit-hit', limit: outcome.limit, value: outcome.value });
    if (outcome.kind === 'stalled') {
      this.trace.append(outcome.idleSinceUs === undefined ? { t: this.now, actor: 'world', kind: 'stalled' } : { t: this.now, actor: 'world', kind: 'stalled', idleSinceUs: outcome.idleSinceUs });
    }
    return { outcome, events: this.events, virtualTimeUs: this.now };
  }

  private slot(id: string): ActorSlot<P> {
    const index = this.indexById.get(id);
    if (index === undefined) throw new Error(`unknown actor ${id}`);
    return this.slots[index];
  }
}
