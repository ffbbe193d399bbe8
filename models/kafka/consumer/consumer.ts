/**
 * The Kafka consumer client (one member of one consumer group, assigned every partition). It recovers its
 * positions (from the broker's committed offsets, or from the DB with commit=with-db-transaction), then loops:
 * fetch a partition from its position, hand each record to the consumer application (business logic and DB
 * writes), and commit offsets according to the strategy:
 * - before-process: commit the batch's end, wait for the ack, then process (a crash after it loses records);
 * - after-process: process the batch, then commit (a crash before the commit re-delivers: duplicates);
 * - auto: a background timer commits the fetched position every autoCommitIntervalMs, processed or not;
 * - with-db-transaction: the offset is stored in the same DB transaction as the effect.
 * Volatile: positions, the batch in hand, outstanding calls. Durable: nothing (it lives in broker and DB).
 */
import type { Actor } from '../../../sim/world.js';
import { msToUs } from '../../config.js';
import { ConsumerApplication } from '../../consumer/application.js';
import type { ApplicationTimer } from '../../consumer/application.js';
import type { DbMessage } from '../../db/protocol.js';
import type { ModelEnv } from '../../env.js';
import type { ConsumerTimer, KafkaMessage, LogRecord } from '../protocol.js';
import type { KafkaSettings } from '../settings.js';
import type { KafkaContext, KafkaProtocol } from '../world.js';

type Ctx = KafkaContext;
type State = 'recovering' | 'fetching' | 'poll-wait' | 'committing-before' | 'in-application' | 'committing-after' | 'down';

/** The call the client waits for; replies and timeouts about another call are stale. */
interface Outstanding {
  readonly partition: number;
  readonly offset: number;
  readonly attempt: number;
}

const POLL: ConsumerTimer = { tag: 'poll' };
const AUTO_COMMIT: ConsumerTimer = { tag: 'auto-commit' };
/** The outstanding offsets request names no partition or offset. */
const NO_PARTITION = -1;

export class KafkaConsumer implements Actor<KafkaProtocol> {
  // Bookkeeping for fault names (not behaviour): survives crashes.
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
  /** Identifies the outstanding call's timeout; other timeouts are stale. */
  private token = 0;
  private outstanding: Outstanding | undefined;
  private readonly application: ConsumerApplication;
  private readonly settings: KafkaSettings;
  private readonly partitions: number;

  constructor(
    readonly id: string,
    private readonly broker: string,
    private readonly db: string,
    env: ModelEnv,
  ) {
    this.settings = env.config.settings;
    this.partitions = env.config.workload.partitions;
    this.fetchAttempts = Array.from({ length: this.partitions }, () => []);
    this.commitAttempts = Array.from({ length: this.partitions }, () => []);
    this.application = new ConsumerApplication({
      actor: id,
      db,
      settings: this.settings,
      storeOffset: this.settings.commit === 'with-db-transaction',
      env,
      done: (ctx) => this.nextRecord(ctx),
    });
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
    this.application.crash();
  }

  receive(ctx: Ctx, _from: string, message: KafkaMessage | DbMessage): void {
    switch (message.type) {
      case 'offset-fetch-response':
      case 'db-offsets':
        return this.onOffsets(ctx, message);
      case 'fetch-response':
        return this.onFetch(ctx, message);
      case 'commit-response':
        return this.onCommitted(ctx, message);
      case 'db-reply':
      case 'db-seen':
      case 'db-marked':
        if (this.state === 'in-application') this.application.receive(ctx, message);
        return;
      default:
        return;
    }
  }

  timer(ctx: Ctx, timer: ConsumerTimer | ApplicationTimer): void {
    switch (timer.tag) {
      case 'poll':
        if (this.state === 'poll-wait') this.poll(ctx);
        return;
      case 'auto-commit':
        this.autoCommit(ctx);
        ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), AUTO_COMMIT);
        return;
      case 'call-timeout':
        if (timer.token === this.token && this.outstanding !== undefined) this.onTimeout(ctx, this.outstanding);
        return;
      default:
        this.application.timer(ctx, timer);
    }
  }

  private isOutstanding(partition: number, offset: number, attempt: number): boolean {
    const out = this.outstanding;
    return out !== undefined && out.partition === partition && out.offset === offset && out.attempt === attempt;
  }

  private call(ctx: Ctx, to: string, message: KafkaMessage | DbMessage, outstanding: Outstanding): void {
    this.outstanding = outstanding;
    const token = ++this.token;
    ctx.send(to, message);
    ctx.setTimer(msToUs(this.settings.consumerTimeoutMs), { tag: 'call-timeout', token });
  }

  private requestOffsets(ctx: Ctx, attempt: number): void {
    const fromDb = this.settings.commit === 'with-db-transaction';
    this.call(ctx, fromDb ? this.db : this.broker, fromDb ? { type: 'db-read-offsets', attempt } : { type: 'offset-fetch', attempt }, { partition: NO_PARTITION, offset: NO_PARTITION, attempt });
  }

  private onOffsets(ctx: Ctx, message: Extract<KafkaMessage | DbMessage, { type: 'offset-fetch-response' | 'db-offsets' }>): void {
    if (this.state !== 'recovering' || message.attempt !== this.outstanding?.attempt) return;
    this.positions = [...message.offsets];
    this.committedKnown = [...message.offsets];
    this.outstanding = undefined;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'resumed', positions: [...this.positions], from: message.type === 'db-offsets' ? 'db' : 'broker' });
    if (this.settings.commit === 'auto') ctx.setTimer(msToUs(this.settings.autoCommitIntervalMs), AUTO_COMMIT);
    this.poll(ctx);
  }

  private onCommitted(ctx: Ctx, message: Extract<KafkaMessage, { type: 'commit-response' }>): void {
    if (message.offset > this.committedKnown[message.partition]) this.committedKnown[message.partition] = message.offset;
    // Only while committing: a late commit answer can carry the same (partition, offset, attempt) as the
    // fetch now outstanding (commit of offset 5, then a fetch from offset 5), and taking it for the fetch's
    // answer left the consumer waiting for nothing, with no timer: a silent stall.
    if ((this.state === 'committing-before' || this.state === 'committing-after') && this.isOutstanding(message.partition, message.offset, message.attempt)) {
      this.outstanding = undefined;
      if (this.state === 'committing-before') this.processNext(ctx);
      else this.poll(ctx);
    }
  }

  private poll(ctx: Ctx): void {
    const partition = this.nextPartition;
    this.nextPartition = (this.nextPartition + 1) % this.partitions;
    const fromOffset = this.positions[partition];
    const attempt = (this.fetchAttempts[partition][fromOffset] ?? 0) + 1;
    this.fetchAttempts[partition][fromOffset] = attempt;
    this.state = 'fetching';
    this.call(ctx, this.broker, { type: 'fetch', partition, fromOffset, attempt, maxRecords: this.settings.maxPollRecords }, { partition, offset: fromOffset, attempt });
  }

  private onFetch(ctx: Ctx, response: Extract<KafkaMessage, { type: 'fetch-response' }>): void {
    if (this.state !== 'fetching' || !this.isOutstanding(response.partition, response.fromOffset, response.attempt)) {
      // A duplicated or late response: the position moved on, so (like Kafka's consumer) drop it.
      ctx.record({ t: ctx.now, actor: this.id, kind: 'stale-fetch-discarded', partition: response.partition, fromOffset: response.fromOffset, attempt: response.attempt });
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
    ctx.record({ t: ctx.now, actor: this.id, kind: 'fetched', partition, fromOffset: response.fromOffset, msgs: response.records.map((record) => record.msgId), position: this.positions[partition] });
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
    ctx.setTimer(msToUs(this.settings.pollIntervalMs), POLL);
  }

  private commit(ctx: Ctx, partition: number): void {
    const offset = this.positions[partition];
    const attempt = (this.commitAttempts[partition][offset] ?? 0) + 1;
    this.commitAttempts[partition][offset] = attempt;
    ctx.record({ t: ctx.now, actor: this.id, kind: 'commit-sent', partition, offset, attempt });
    this.call(ctx, this.broker, { type: 'commit', partition, offset, attempt }, { partition, offset, attempt });
  }

  private autoCommit(ctx: Ctx): void {
    if (this.state === 'down' || this.state === 'recovering') return;
    for (let partition = 0; partition < this.partitions; partition++) {
      if (this.committedKnown[partition] >= this.positions[partition]) continue;
      const offset = this.positions[partition];
      const attempt = (this.commitAttempts[partition][offset] ?? 0) + 1;
      this.commitAttempts[partition][offset] = attempt;
      ctx.record({ t: ctx.now, actor: this.id, kind: 'auto-commit-sent', partition, offset, attempt });
      // Background commit: nobody waits for it; the next interval tries again if it did not land.
      ctx.send(this.broker, { type: 'commit', partition, offset, attempt });
    }
  }

  private processNext(ctx: Ctx): void {
    if (this.batchIndex >= this.batch.length) return this.batchDone(ctx);
    this.state = 'in-application';
    this.application.handle(ctx, this.batch[this.batchIndex]);
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

  private onTimeout(ctx: Ctx, out: Outstanding): void {
    this.outstanding = undefined;
    switch (this.state) {
      case 'recovering':
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'offsets', attempt: out.attempt });
        return this.requestOffsets(ctx, out.attempt + 1);
      case 'fetching':
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'fetch', partition: out.partition, fromOffset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      case 'committing-before':
        // At-most-once needs the commit to land before processing; keep trying.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.commit(ctx, out.partition);
      case 'committing-after':
        // Move on; the commit is retried when the consumer is next idle.
        ctx.record({ t: ctx.now, actor: this.id, kind: 'timeout', call: 'commit', partition: out.partition, offset: out.offset, attempt: out.attempt });
        return this.poll(ctx);
      default:
        return;
    }
  }
}
