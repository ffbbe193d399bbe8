/**
 * The consumer application every family shares: it takes one delivered record at a time from its family's
 * consumer runtime, runs the business logic (processingMs), then its DB calls — an optional dedup check, the
 * effect's write, an optional dedup mark in a separate transaction — retrying a call whose reply does not come,
 * and tells the runtime what became of the record: processed, to be redelivered after a backoff, skipped, or to be
 * dead-lettered. The crash points of a delivery live here too: right after the delivery, in the middle of the
 * business logic, right after the DB commit.
 *
 * The failure policy follows Spring Kafka's error handling: a record whose business logic throws is redelivered
 * after an exponential backoff (with optional jitter) until `processingRetries` redeliveries are used up, then
 * skipped or dead-lettered (`onError`); with `onError: retry` it is never given up.
 *
 * Volatile: the record in hand and the call outstanding. Survives crashes (bookkeeping for fault names only): DB
 * attempts per message; deliveries are counted per group (GroupLedger).
 */
import { msToUs } from '../config.js';
import type { ActorContext } from '../../sim/world.js';
import type { DbAnswer, DbMessage } from '../db/protocol.js';
import type { DbStep, TraceEvent } from '../events.js';
import type { ModelEnv } from '../env.js';
import type { Fault } from '../faults/catalog.js';
import type { ApplicationSettings } from '../settings/common.js';
import { FIRST_INSTANCE } from '../topology.js';
import { IndexCounts } from '../index-counts.js';
import { afterFailure } from './failure-policy.js';
import type { GroupLedger, ProcessingError } from './ledger.js';

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
  /** RabbitMQ's basic.deliver flag: this message may have been delivered before (absent in families without one). */
  readonly redelivered?: boolean;
}

/** What became of a delivered record: the runtime turns it into its family's primitive. */
export type Disposition =
  | { readonly kind: 'processed' }
  /** The business logic failed; redeliver the record after this backoff. */
  | { readonly kind: 'retry'; readonly backoffMs: number }
  /** Given up and skipped (it is lost). */
  | { readonly kind: 'skip' }
  /** Given up: publish it to the dead-letter topic, then move on (it is parked). */
  | { readonly kind: 'dead-letter' };

export interface ApplicationOptions {
  /** The actor the application runs in (crash faults strike it). */
  readonly actor: string;
  /** Its consumer group's ledger: its effects, dedup keys and stored offsets are the group's own. */
  readonly ledger: GroupLedger;
  /** The DB actor. */
  readonly db: string;
  readonly settings: ApplicationSettings;
  /** Offsets live in the DB: each effect's transaction also stores the record's offset + 1. */
  readonly storeOffset: boolean;
  readonly env: ModelEnv;
  /** Called when the application is done with the record in hand. */
  readonly done: (ctx: ApplicationContext, disposition: Disposition) => void;
}

/** What a family's consumer runtime hands its records to: the built-in processing, or a user's handler. */
export interface RecordApplication {
  /** Nothing in hand. */
  readonly idle: boolean;
  crash(): void;
  handle(ctx: ApplicationContext, record: DeliveredRecord): void;
  timer(ctx: ApplicationContext, timer: ApplicationTimer): void;
  receive(ctx: ApplicationContext, message: DbAnswer): void;
  giveUp(ctx: ApplicationContext, record: DeliveredRecord, disposition: Disposition): void;
  /** Async handlers only: a woken handler has sent its next DB call or returned (or broken the contract). */
  readonly settled?: boolean;
  /** After the handler's turns (async handlers only): refuse a handler awaiting anything but its calls. */
  checkAfterHostTurn?(): void;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'processing'; readonly record: DeliveredRecord; readonly delivery: number; readonly token: number; readonly crash: Fault | undefined; readonly fails: boolean }
  | { readonly kind: 'db-call'; readonly record: DeliveredRecord; readonly step: DbStep; readonly attempt: number; readonly retriesUsed: number; readonly token: number; readonly then: Disposition };

const IDLE: State = { kind: 'idle' };
const PROCESSED: Disposition = { kind: 'processed' };

export class ConsumerApplication implements RecordApplication {
  private state: State = IDLE;
  private token = 0;
  /** DB calls per message, by workload index, across crashes. */
  private readonly dbAttempts = new IndexCounts();

  constructor(private readonly options: ApplicationOptions) {}

  /** Nothing in hand. */
  get idle(): boolean {
    return this.state.kind === 'idle';
  }

  crash(): void {
    this.state = IDLE;
  }

  /** One delivery of a record to the business logic. */
  handle(ctx: ApplicationContext, record: DeliveredRecord): void {
    const delivery = this.options.ledger.deliver(record.index);
    if (record.redelivered === undefined) ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery });
    else ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery, redelivered: record.redelivered });
    // Crash points: `draw(kind) ? inject(candidate)` builds a candidate only when the draw fired (see FaultInjector.draw).
    const faults = this.options.env.faults;
    const afterFetch = faults.draw('consumer-crash', ctx.phase) ? faults.inject(this.named({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'after-fetch' })) : undefined;
    if (afterFetch !== undefined) return this.options.env.crash(this.options.actor, afterFetch);
    const token = ++this.token;
    const processingUs = msToUs(this.options.settings.processingMs);
    const midProcess = faults.draw('consumer-crash', ctx.phase) ? faults.inject(this.named({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'mid-process' })) : undefined;
    this.state = { kind: 'processing', record, delivery, token, crash: midProcess, fails: this.fails(ctx, record, delivery) };
    if (midProcess !== undefined) ctx.setTimer(Math.floor(processingUs / 2), { tag: 'crash', token });
    ctx.setTimer(processingUs, { tag: 'processed', token });
  }

  timer(ctx: ApplicationContext, timer: ApplicationTimer): void {
    const state = this.state;
    if (state.kind === 'idle' || timer.token !== state.token) return;
    if (timer.tag === 'crash' && state.kind === 'processing' && state.crash !== undefined) return this.options.env.crash(this.options.actor, state.crash);
    if (timer.tag === 'processed' && state.kind === 'processing') {
      if (state.fails) return this.failed(ctx, state.record, state.delivery);
      return this.dbCall(ctx, state.record, this.options.settings.dedup === 'separate-transaction' ? 'check' : 'apply', 0, PROCESSED);
    }
    if (timer.tag === 'db-timeout' && state.kind === 'db-call') return this.onTimeout(ctx, state);
  }

  /** A DB answer; stale ones (another call, another record) are ignored. */
  receive(ctx: ApplicationContext, message: DbAnswer): void {
    const state = this.state;
    if (message.type === 'db-op-reply' || state.kind !== 'db-call' || state.attempt !== message.attempt || state.record.msgId !== message.msgId) return;
    const record = state.record;
    const actor = this.options.actor;
    if (state.step === 'give-up') return this.finish(ctx, state.then);
    if (message.type === 'db-seen') {
      if (!message.seen) return this.dbCall(ctx, record, 'apply', 0, PROCESSED);
      ctx.record({ t: ctx.now, actor, kind: 'dedup-skip', msg: record.msgId });
      return this.finish(ctx, PROCESSED);
    }
    if (message.type === 'db-reply') {
      ctx.record({ t: ctx.now, actor, kind: 'processed', msg: record.msgId, result: message.result });
      const faults = this.options.env.faults;
      const delivery = this.options.ledger.deliveryOf(record.index);
      const crash = faults.draw('consumer-crash', ctx.phase) ? faults.inject(this.named({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'after-db-commit' })) : undefined;
      if (crash !== undefined) return this.options.env.crash(actor, crash);
      if (this.options.settings.dedup === 'separate-transaction') return this.dbCall(ctx, record, 'mark', 0, PROCESSED);
    }
    this.finish(ctx, PROCESSED);
  }

  /** A fault naming this consumer names it only when it is not the first one (plans without instances keep their meaning). */
  private named<F extends Extract<Fault, { kind: 'consumer-crash' }>>(fault: F): F {
    return this.options.actor === FIRST_INSTANCE.consumer ? fault : { ...fault, consumer: this.options.actor };
  }

  /**
   * Does the business logic throw on this delivery? A processing error is decided at a message's first delivery
   * in the group (a decision point like any other fault's), then holds for the deliveries it names.
   */
  private fails(ctx: ApplicationContext, record: DeliveredRecord, delivery: number): boolean {
    const ledger = this.options.ledger;
    let error = ledger.errorOf(record.index);
    if (error === undefined && delivery === 1) {
      const faults = this.options.env.faults;
      const group = ledger.group === FIRST_INSTANCE.group ? {} : { group: ledger.group };
      const decided = faults.draw('processing-error', ctx.phase) ? faults.inject<ProcessingError>({ kind: 'processing-error', message: record.msgId, deliveries: 1, ...group }) : undefined;
      if (decided !== undefined) this.options.env.traceFault(ctx, decided);
      ledger.decideError(record.index, decided);
      error = decided ?? null;
    }
    return error !== undefined && error !== null && (error.deliveries === 'always' || delivery <= error.deliveries);
  }

  /** The business logic threw: redeliver after a backoff, or give the record up as the policy says. */
  private failed(ctx: ApplicationContext, record: DeliveredRecord, delivery: number): void {
    const disposition = afterFailure(ctx, this.options.actor, this.options.settings, record.msgId, delivery);
    if (disposition.kind === 'skip') return this.giveUp(ctx, record, disposition);
    this.finish(ctx, disposition);
  }

  /**
   * Past a record given up (skipped, or dead-lettered by the runtime): when the group dedups or keeps its offsets
   * in the DB, record that in one DB transaction first — its id as handled, so a duplicate copy of it further down
   * the log is not applied behind its successors, and the offset past it, so a restart does not deliver it again.
   * (In a Kafka transaction the DLT publish and the offset commit are one atomic step; this is that step for an
   * application whose offsets and dedup keys live in its own DB.)
   */
  giveUp(ctx: ApplicationContext, record: DeliveredRecord, disposition: Disposition): void {
    if (!this.options.storeOffset && this.options.settings.dedup === 'none') return this.finish(ctx, disposition);
    this.dbCall(ctx, record, 'give-up', 0, disposition);
  }

  private dbCall(ctx: ApplicationContext, record: DeliveredRecord, step: DbStep, retriesUsed: number, then: Disposition): void {
    const attempt = this.dbAttempts.increment(record.index);
    const group = this.options.ledger.group;
    let message: DbMessage;
    if (step === 'check') message = { type: 'db-check-seen', msgId: record.msgId, attempt, group };
    else if (step === 'mark') message = { type: 'db-mark-seen', msgId: record.msgId, attempt, group };
    else if (step === 'give-up') message = { type: 'db-give-up', msgId: record.msgId, partition: record.partition, offset: record.offset, attempt, group, dedup: this.options.settings.dedup !== 'none', storeOffset: this.options.storeOffset };
    else message = { type: 'db-apply', msgId: record.msgId, key: record.key, partition: record.partition, offset: record.offset, attempt, group, dedup: this.options.settings.dedup === 'same-transaction', storeOffset: this.options.storeOffset };
    if (step === 'apply') ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'db-write', msg: record.msgId, attempt, partition: record.partition, offset: record.offset });
    const token = ++this.token;
    this.state = { kind: 'db-call', record, step, attempt, retriesUsed, token, then };
    ctx.send(this.options.db, message);
    ctx.setTimer(msToUs(this.options.settings.consumerTimeoutMs), { tag: 'db-timeout', token });
  }

  private onTimeout(ctx: ApplicationContext, state: Extract<State, { kind: 'db-call' }>): void {
    const actor = this.options.actor;
    ctx.record({ t: ctx.now, actor, kind: 'timeout', call: `db-${state.step}`, msg: state.record.msgId, attempt: state.attempt });
    const dbRetries = this.options.settings.dbRetries;
    if (state.retriesUsed < dbRetries) return this.dbCall(ctx, state.record, state.step, state.retriesUsed + 1, state.then);
    ctx.record({ t: ctx.now, actor, kind: 'db-gave-up', msg: state.record.msgId, step: state.step, dbRetries });
    this.finish(ctx, state.step === 'give-up' ? state.then : PROCESSED);
  }

  private finish(ctx: ApplicationContext, disposition: Disposition): void {
    this.state = IDLE;
    this.options.done(ctx, disposition);
  }
}
