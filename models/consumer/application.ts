/**
 * The consumer application every family shares: it takes one delivered record at a time from its family's
 * consumer runtime, runs the business logic (processingMs), then its DB calls — an optional dedup check, the
 * effect's write, an optional dedup mark in a separate transaction — retrying a call whose reply does not come,
 * and tells the runtime when it is done with the record. The crash points of a delivery live here too:
 * right after the delivery, in the middle of the business logic, right after the DB commit.
 *
 * Volatile: the record in hand and the call outstanding. Survives crashes (bookkeeping for fault names only):
 * deliveries and DB attempts per message.
 */
import { msToUs } from '../config.js';
import type { ActorContext } from '../../sim/world.js';
import type { DbAnswer, DbMessage } from '../db/protocol.js';
import type { DbStep, TraceEvent } from '../events.js';
import type { ModelEnv } from '../env.js';
import type { Fault } from '../faults/catalog.js';
import type { ApplicationSettings } from '../settings/common.js';

/** The application's timers; the token names the delivery (or DB call) they belong to: others are stale. */
export type ApplicationTimer = { readonly tag: 'processed'; readonly token: number } | { readonly tag: 'crash'; readonly token: number } | { readonly tag: 'db-timeout'; readonly token: number };

interface ApplicationProtocol {
  message: DbMessage;
  timer: ApplicationTimer;
  event: TraceEvent;
}
export type ApplicationContext = ActorContext<ApplicationProtocol>;

/** A record as the application sees it, whatever the family delivered it from. */
export interface DeliveredRecord {
  readonly msgId: string;
  /** Workload position of the message (m1 is 0). */
  readonly index: number;
  readonly key: string;
  readonly partition: number;
  readonly offset: number;
}

export interface ApplicationOptions {
  /** The actor the application runs in (crash faults strike it). */
  readonly actor: string;
  /** The consumer group it belongs to: its effects, dedup keys and stored offsets are the group's own. */
  readonly group: string;
  /** The DB actor. */
  readonly db: string;
  readonly settings: ApplicationSettings;
  /** Offsets live in the DB: each effect's transaction also stores the record's offset + 1. */
  readonly storeOffset: boolean;
  readonly env: ModelEnv;
  /** Called when the application is done with the record in hand (processed, skipped as seen, or given up). */
  readonly done: (ctx: ApplicationContext) => void;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'processing'; readonly record: DeliveredRecord; readonly token: number; readonly crash: Fault | undefined }
  | { readonly kind: 'db-call'; readonly record: DeliveredRecord; readonly step: DbStep; readonly attempt: number; readonly retriesUsed: number; readonly token: number };

const IDLE: State = { kind: 'idle' };

export class ConsumerApplication {
  private state: State = IDLE;
  private token = 0;
  /** Per message, by workload index: deliveries to the business logic and DB calls, across crashes. */
  private readonly deliveries: number[] = [];
  private readonly dbAttempts: number[] = [];

  constructor(private readonly options: ApplicationOptions) {}

  /** Nothing in hand. */
  get idle(): boolean {
    return this.state.kind === 'idle';
  }

  /** The delivery number of a message's latest delivery (1 for one never delivered). */
  deliveryOf(index: number): number {
    return this.deliveries[index] ?? 1;
  }

  crash(): void {
    this.state = IDLE;
  }

  /** One delivery of a record to the business logic. */
  handle(ctx: ApplicationContext, record: DeliveredRecord): void {
    const delivery = (this.deliveries[record.index] ?? 0) + 1;
    this.deliveries[record.index] = delivery;
    ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery });
    // Crash points: `draw(kind) ? inject(candidate)` builds a candidate only when the draw fired (see FaultInjector.draw).
    const faults = this.options.env.faults;
    const afterFetch = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'after-fetch' }) : undefined;
    if (afterFetch !== undefined) return this.options.env.crash(this.options.actor, afterFetch);
    const token = ++this.token;
    const processingUs = msToUs(this.options.settings.processingMs);
    const midProcess = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'mid-process' }) : undefined;
    this.state = { kind: 'processing', record, token, crash: midProcess };
    if (midProcess !== undefined) ctx.setTimer(Math.floor(processingUs / 2), { tag: 'crash', token });
    ctx.setTimer(processingUs, { tag: 'processed', token });
  }

  timer(ctx: ApplicationContext, timer: ApplicationTimer): void {
    const state = this.state;
    if (state.kind === 'idle' || timer.token !== state.token) return;
    if (timer.tag === 'crash' && state.kind === 'processing' && state.crash !== undefined) return this.options.env.crash(this.options.actor, state.crash);
    if (timer.tag === 'processed' && state.kind === 'processing') return this.dbCall(ctx, state.record, this.options.settings.dedup === 'separate-transaction' ? 'check' : 'apply', 0);
    if (timer.tag === 'db-timeout' && state.kind === 'db-call') return this.onTimeout(ctx, state);
  }

  /** A DB answer; stale ones (another call, another record) are ignored. Returns false when it was not the application's. */
  receive(ctx: ApplicationContext, message: DbAnswer): void {
    const state = this.state;
    if (state.kind !== 'db-call' || state.attempt !== message.attempt || state.record.msgId !== message.msgId) return;
    const record = state.record;
    const actor = this.options.actor;
    if (message.type === 'db-seen') {
      if (!message.seen) return this.dbCall(ctx, record, 'apply', 0);
      ctx.record({ t: ctx.now, actor, kind: 'dedup-skip', msg: record.msgId });
      return this.finish(ctx);
    }
    if (message.type === 'db-reply') {
      ctx.record({ t: ctx.now, actor, kind: 'processed', msg: record.msgId, result: message.result });
      const faults = this.options.env.faults;
      const crash = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery: this.deliveryOf(record.index), point: 'after-db-commit' }) : undefined;
      if (crash !== undefined) return this.options.env.crash(actor, crash);
      if (this.options.settings.dedup === 'separate-transaction') return this.dbCall(ctx, record, 'mark', 0);
    }
    this.finish(ctx);
  }

  private dbCall(ctx: ApplicationContext, record: DeliveredRecord, step: DbStep, retriesUsed: number): void {
    const attempt = (this.dbAttempts[record.index] ?? 0) + 1;
    this.dbAttempts[record.index] = attempt;
    let message: DbMessage;
    const group = this.options.group;
    if (step === 'check') message = { type: 'db-check-seen', msgId: record.msgId, attempt, group };
    else if (step === 'mark') message = { type: 'db-mark-seen', msgId: record.msgId, attempt, group };
    else message = { type: 'db-apply', msgId: record.msgId, key: record.key, partition: record.partition, offset: record.offset, attempt, group, dedup: this.options.settings.dedup === 'same-transaction', storeOffset: this.options.storeOffset };
    if (step === 'apply') ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'db-write', msg: record.msgId, attempt, partition: record.partition, offset: record.offset });
    const token = ++this.token;
    this.state = { kind: 'db-call', record, step, attempt, retriesUsed, token };
    ctx.send(this.options.db, message);
    ctx.setTimer(msToUs(this.options.settings.consumerTimeoutMs), { tag: 'db-timeout', token });
  }

  private onTimeout(ctx: ApplicationContext, state: Extract<State, { kind: 'db-call' }>): void {
    const actor = this.options.actor;
    ctx.record({ t: ctx.now, actor, kind: 'timeout', call: `db-${state.step}`, msg: state.record.msgId, attempt: state.attempt });
    const dbRetries = this.options.settings.dbRetries;
    if (state.retriesUsed < dbRetries) return this.dbCall(ctx, state.record, state.step, state.retriesUsed + 1);
    ctx.record({ t: ctx.now, actor, kind: 'db-gave-up', msg: state.record.msgId, step: state.step, dbRetries });
    this.finish(ctx);
  }

  private finish(ctx: ApplicationContext): void {
    this.state = IDLE;
    this.options.done(ctx);
  }
}
