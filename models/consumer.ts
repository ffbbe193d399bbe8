/**
 * The consumer (one member of one consumer group, assigned every partition). It recovers its positions
 * (from the broker's committed offsets, or from the DB with commit=with-db-transaction), then loops:
 * fetch a partition from its position, process each record (processingMs of business logic, then a DB
 * write), and commit offsets according to the strategy:
 * - before-process: commit the batch's end, wait for the ack, then process (a crash after it loses records);
 * - after-process: process the batch, then commit (a crash before the commit re-delivers: duplicates);
 * - auto: a background timer commits the fetched position every autoCommitIntervalMs, processed or not;
 * - with-db-transaction: the offset is stored in the same DB transaction as the effect.
 * Volatile: positions, the batch in hand, outstanding calls. Durable: nothing (it lives in broker and DB).
 */
import { msToUs } from './config.js';
import type { DeliverySettings } from './config.js';
import type { Ctx, ModelEnv } from './env.js';
import type { Fault } from './faults.js';
import { BROKER, CONSUMER, DB } from './messages.js';
import type { LogRecord, Message } from './messages.js';
import type { Actor } from '../sim/world.js';

type State = 'recovering' | 'fetching' | 'poll-wait' | 'committing-before' | 'processing' | 'db-call' | 'committing-after' | 'down';
type DbStep = 'check' | 'apply' | 'mark';

export class Consumer implements Actor<Message> {
  readonly id = CONSUMER;
  // Bookkeeping for fault names and stats only (not behaviour): survives crashes.
  // Per message, by workload index (LogRecord.index): arrays, as these are read and bumped per delivery.
  private readonly deliveries: number[] = [];
  private readonly dbAttempts: number[] = [];
  /** Attempts per [partition][offset]: arrays, not a `${partition}:${offset}` string map (built per fetch and commit). */
  private readonly fetchAttempts: number[][];
  private readonly commitAttempts: number[][];
  // Volatile.
  private state: State = 'down';
  private positions: number[] = [];
  private committedKnown: number[] = [];
  private batch: LogRecord[] = [];
  private batchIndex = 0;
  private nextPartition = 0;
  /** Identifies the outstanding call; replies and timeouts carrying another token are stale. */
  private token = 0;
  private outstanding: { partition: number; offset: number; attempt: number } | undefined;
  private dbStep: DbStep = 'apply';
  private dbRetriesUsed = 0;
  private readonly settings: DeliverySettings;
  private readonly partitions: number;

  constructor(private readonly env: ModelEnv) {
    this.settings = env.config.settings;
    this.partitions = env.config.workload.partitions;
    this.fetchAttempts = Array.from({ length: this.partitions }, () => []);
    this.commitAttempts = Array.from({ length: this.partitions }, () => []);
  }

  /** Nothing in hand, every position at the high watermark, and (unless offsets live in the DB) committed. */
  isCaughtUp(highWatermarks: readonly number[]): boolean {
    if (this.state !== 'poll-wait') return false;
    for (let partition = 0; partition < this.partitions; partition++) {
      if (this.positions[partition] !== highWatermarks[partition]) return false;
      if (this.settings.commit !== 'with-db-transaction' && this.committedKnown[partition] !== this.positions[partition]) return false;
    }
    return true;
  }

  start(ctx: Ctx): void {
    this.state = 'recovering';
    this.batch = [];
    this.requestOffsets(ctx, 1);
  }

  crash(): void {
    this.state = 'down';
    this.batch = [];
    this.outstanding = undefined;
  }

  receive(ctx: Ctx, _from: string, message: Message): void {
    switch (message.type) {
      case 'offset-fetch-response':
      case 'db-offsets':
        if (this.state !== 'recovering' || message.attempt !== this.outstanding?.attempt) return;
        this.positions = [...message.offsets];
        this.committedKnown = [...message.offsets];
        this.outstanding = undefined;
        ctx.trace('resumed', { positions: [...this.positions], from: message.type === 'db-offsets' ? 'db' : 'broker' });
        if (this.settings.commit === 'auto') ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), 'auto-commit');
        this.poll(ctx);
        return;
      case 'fetch-response':
        return this.onFetch(ctx, message);
      case 'commit-response':
        if (message.offset > this.committedKnown[message.partition]) this.committedKnown[message.partition] = message.offset;
        // Only while committing: a late commit answer can carry the same (partition, offset, attempt) as the
        // fetch now outstanding (commit of offset 5, then a fetch from offset 5), and taking it for the fetch's
        // answer left the consumer waiting for nothing, with no timer: a silent stall.
        if ((this.state === 'committing-before' || this.state === 'committing-after') && this.isOutstanding(message.partition, message.offset, message.attempt)) {
          this.outstanding = undefined;
          if (this.state === 'committing-before') this.processNext(ctx);
          else this.poll(ctx);
        }
        return;
      case 'db-reply':
      case 'db-seen':
      case 'db-marked':
        if (this.state !== 'db-call' || !this.isOutstanding(-1, -1, message.attempt) || this.batch[this.batchIndex]?.msgId !== message.msgId) return;
        this.outstanding = undefined;
        return this.onDbAnswer(ctx, message);
      default:
        return;
    }
  }

  timer(ctx: Ctx, tag: string, data: unknown): void {
    switch (tag) {
      case 'poll':
        if (this.state === 'poll-wait') this.poll(ctx);
        return;
      case 'auto-commit':
        this.autoCommit(ctx);
        ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), 'auto-commit');
        return;
      case 'processed':
        if (this.state === 'processing' && data === this.token) this.dbCall(ctx, this.settings.dedup === 'separate-transaction' ? 'check' : 'apply');
        return;
      case 'crash':
        if (data === this.token && this.pendingCrash !== undefined) this.env.crash(CONSUMER, this.pendingCrash);
        return;
      case 'timeout':
        if (data === this.token && this.outstanding !== undefined) this.onTimeout(ctx);
        return;
    }
  }

  private pendingCrash: Fault | undefined;

  private isOutstanding(partition: number, offset: number, attempt: number): boolean {
    const out = this.outstanding;
    return out !== undefined && out.partition === partition && out.offset === offset && out.attempt === attempt;
  }

  private call(ctx: Ctx, to: string, message: Message, outstanding: { partition: number; offset: number; attempt: number }): void {
    this.outstanding = outstanding;
    this.token++;
    ctx.send(to, message);
    ctx.setTimer(msToUs(this.settings.consumerTimeoutMs), 'timeout', this.token);
  }

  private requestOffsets(ctx: Ctx, attempt: number): void {
    const fromDb = this.settings.commit === 'with-db-transaction';
    this.call(ctx, fromDb ? DB : BROKER, fromDb ? { type: 'db-read-offsets', attempt } : { type: 'offset-fetch', attempt }, { partition: -1, offset: -1, attempt });
  }

  private poll(ctx: Ctx): void {
    const partition = this.nextPartition;
    this.nextPartition = (this.nextPartition + 1) % this.partitions;
    const fromOffset = this.positions[partition];
    const attempt = (this.fetchAttempts[partition][fromOffset] ?? 0) + 1;
    this.fetchAttempts[partition][fromOffset] = attempt;
    this.state = 'fetching';
    this.call(ctx, BROKER, { type: 'fetch', partition, fromOffset, attempt, maxRecords: this.settings.maxPollRecords }, { partition, offset: fromOffset, attempt });
  }

  private onFetch(ctx: Ctx, response: Extract<Message, { type: 'fetch-response' }>): void {
    if (this.state !== 'fetching' || !this.isOutstanding(response.partition, response.fromOffset, response.attempt)) {
      // A duplicated or late response: the position moved on, so (like Kafka's consumer) drop it.
      ctx.trace('stale-fetch-discarded', { partition: response.partition, fromOffset: response.fromOffset, attempt: response.attempt });
      return;
    }
    this.outstanding = undefined;
    const partition = response.partition;
    if (response.records.length === 0) {
      this.idle(ctx);
      return;
    }
    this.batch = response.records;
    this.batchIndex = 0;
    // Kafka's position advances when poll() returns the records, before they are processed.
    this.positions[partition] = response.records[response.records.length - 1].offset + 1;
    ctx.record({ t: ctx.now, actor: CONSUMER, kind: 'fetched', partition, fromOffset: response.fromOffset, msgs: response.records.map((record) => record.msgId), position: this.positions[partition] });
    if (this.settings.commit === 'before-process') {
      this.state = 'committing-before';
      this.commit(ctx, partition);
    } else {
      this.processNext(ctx);
    }
  }

  /** Nothing fetched: commit what is due (after-process), then wait a poll interval. */
  private idle(ctx: Ctx): void {
    if (this.settings.commit === 'after-process') {
      for (let partition = 0; partition < this.partitions; partition++) {
        if (this.committedKnown[partition] < this.positions[partition]) {
          this.state = 'committing-after';
          this.commit(ctx, partition);
          return;
        }
      }
    }
    this.state = 'poll-wait';
    ctx.setTimer(msToUs(this.settings.pollIntervalMs), 'poll');
  }

  private commit(ctx: Ctx, partition: number): void {
    const offset = this.positions[partition];
    const attempt = (this.commitAttempts[partition][offset] ?? 0) + 1;
    this.commitAttempts[partition][offset] = attempt;
    ctx.record({ t: ctx.now, actor: CONSUMER, kind: 'commit-sent', partition, offset, attempt });
    this.call(ctx, BROKER, { type: 'commit', partition, offset, attempt }, { partition, offset, attempt });
  }

  private autoCommit(ctx: Ctx): void {
    if (this.state === 'down' || this.state === 'recovering') return;
    for (let partition = 0; partition < this.partitions; partition++) {
      if (this.committedKnown[partition] >= this.positions[partition]) continue;
      const offset = this.positions[partition];
      const attempt = (this.commitAttempts[partition][offset] ?? 0) + 1;
      this.commitAttempts[partition][offset] = attempt;
      ctx.trace('auto-commit-sent', { partition, offset, attempt });
      // Background commit: nobody waits for it; the next interval tries again if it did not land.
      ctx.send(BROKER, { type: 'commit', partition, offset, attempt });
    }
  }

  private processNext(ctx: Ctx): void {
    if (this.batchIndex >= this.batch.length) return this.batchDone(ctx);
    const record = this.batch[this.batchIndex];
    const delivery = (this.deliveries[record.index] ?? 0) + 1;
    this.deliveries[record.index] = delivery;
    ctx.record({ t: ctx.now, actor: CONSUMER, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery });
    // Crash points: `draw(kind) ? inject(candidate)` builds a candidate only when the draw fired (see FaultInjector.draw).
    const faults = this.env.faults;
    const afterFetch = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'after-fetch' }) : undefined;
    if (afterFetch !== undefined) return this.env.crash(CONSUMER, afterFetch);
    this.state = 'processing';
    this.token++;
    const processingUs = msToUs(this.settings.processingMs);
    const midProcess = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery, point: 'mid-process' }) : undefined;
    if (midProcess !== undefined) {
      this.pendingCrash = midProcess;
      ctx.setTimer(Math.floor(processingUs / 2), 'crash', this.token);
    }
    this.dbRetriesUsed = 0;
    ctx.setTimer(processingUs, 'processed', this.token);
  }

  private dbCall(ctx: Ctx, step: DbStep): void {
    const record = this.batch[this.batchIndex];
    const attempt = (this.dbAttempts[record.index] ?? 0) + 1;
    this.dbAttempts[record.index] = attempt;
    this.dbStep = step;
    this.state = 'db-call';
    const partition = record.partition;
    let message: Message;
    if (step === 'check') message = { type: 'db-check-seen', msgId: record.msgId, attempt };
    else if (step === 'mark') message = { type: 'db-mark-seen', msgId: record.msgId, attempt };
    else message = { type: 'db-apply', msgId: record.msgId, key: record.key, partition, offset: record.offset, attempt, dedup: this.settings.dedup === 'same-transaction', storeOffset: this.settings.commit === 'with-db-transaction' };
    if (step === 'apply') ctx.record({ t: ctx.now, actor: CONSUMER, kind: 'db-write', msg: record.msgId, attempt, partition, offset: record.offset });
    this.call(ctx, DB, message, { partition: -1, offset: -1, attempt });
  }

  private onDbAnswer(ctx: Ctx, message: Extract<Message, { type: 'db-reply' | 'db-seen' | 'db-marked' }>): void {
    const record = this.batch[this.batchIndex];
    this.dbRetriesUsed = 0;
    if (message.type === 'db-seen') {
      if (message.seen) {
        ctx.trace('dedup-skip', { msg: record.msgId });
        return this.nextRecord(ctx);
      }
      return this.dbCall(ctx, 'apply');
    }
    if (message.type === 'db-reply') {
      ctx.record({ t: ctx.now, actor: CONSUMER, kind: 'processed', msg: record.msgId, result: message.result });
      const faults = this.env.faults;
      const crash = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery: this.deliveries[record.index] ?? 1, point: 'after-db-commit' }) : undefined;
      if (crash !== undefined) return this.env.crash(CONSUMER, crash);
      if (this.settings.dedup === 'separate-transaction') return this.dbCall(ctx, 'mark');
    }
    this.nextRecord(ctx);
  }

  private nextRecord(ctx: Ctx): void {
    this.batchIndex++;
    this.processNext(ctx);
  }

  private batchDone(ctx: Ctx): void {
    const partition = this.batch.length > 0 ? this.batch[0].partition : 0;
    this.batch = [];
    if (this.settings.commit === 'after-process') {
      this.state = 'committing-after';
      this.commit(ctx, partition);
      return;
    }
    this.poll(ctx);
  }

  private onTimeout(ctx: Ctx): void {
    const out = this.outstanding as { partition: number; offset: number; attempt: number };
    this.outstanding = undefined;
    switch (this.state) {
      case 'recovering':
        ctx.trace('timeout', { call: 'offsets', attempt: out.attempt });
        return this.requestOffsets(ctx, out.attempt + 1);
      case 'fetching':
        ctx.trace('timeout', { call: 'fetch', partition: out.partition, fromOffset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      case 'committing-before':
        // At-most-once needs the commit to land before processing; keep trying.
        ctx.trace('timeout', { call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.commit(ctx, out.partition);
      case 'committing-after':
        // Move on; the commit is retried when the consumer is next idle.
        ctx.trace('timeout', { call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      case 'db-call': {
        const record = this.batch[this.batchIndex];
        ctx.trace('timeout', { call: `db-${this.dbStep}`, msg: record.msgId, attempt: out.attempt });
        if (this.dbRetriesUsed < this.settings.dbRetries) {
          this.dbRetriesUsed++;
          return this.dbCall(ctx, this.dbStep);
        }
        ctx.trace('db-gave-up', { msg: record.msgId, step: this.dbStep, dbRetries: this.settings.dbRetries });
        return this.nextRecord(ctx);
      }
      default:
        return;
    }
  }
}
