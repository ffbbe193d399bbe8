/**
 * The consumers' database. Every request is one atomic transaction, committed the moment it arrives; its reply
 * can still be lost (db-reply-lost), which is the window "committed, but the consumer doesn't know". Each
 * consumer group is its own application with its own tables: effects, a dedup table (unique message ids) and
 * stored offsets per group. Durable: all of it.
 */
import type { Actor, ActorContext } from '../../sim/world.js';
import type { DbResult, TraceEvent } from '../events.js';
import type { DbMessage } from './protocol.js';

interface DbProtocol {
  message: DbMessage;
  timer: never;
  event: TraceEvent;
}
type Ctx = ActorContext<DbProtocol>;

export interface AppliedEffect {
  msgId: string;
  key: string;
  partition: number;
  offset: number;
  /** Virtual time (µs) of the commit. */
  t: number;
  /** The consumer group whose application applied it. */
  group: string;
  /** The member that sent the write. */
  consumer: string;
}

/** One group's tables. */
interface GroupTables {
  readonly seen: Set<string>;
  readonly offsets: number[];
}

export class Database implements Actor<DbProtocol> {
  readonly effects: AppliedEffect[] = [];
  private readonly tables = new Map<string, GroupTables>();
  /**
   * What progress() reports, kept up to date at every write (effects, dedup keys, stored offsets) instead of summed
   * over every group's tables: the World asks for it after every event of the heal phase.
   */
  private progressTotal = 0;

  constructor(
    readonly id: string,
    private readonly partitions: number,
  ) {}

  /** A group's tables, created on first use (every group starts with no effects and offsets 0). */
  private group(name: string): GroupTables {
    let tables = this.tables.get(name);
    if (tables === undefined) this.tables.set(name, (tables = { seen: new Set(), offsets: new Array<number>(this.partitions).fill(0) }));
    return tables;
  }

  /**
   * Moves whenever the DB moves forward: an effect applied, an offset stored, a dedup key written. It is the number
   * of effects, plus every group's dedup keys, plus every group's stored offsets.
   */
  progress(): number {
    return this.progressTotal;
  }

  private markSeen(tables: GroupTables, msgId: string): void {
    const before = tables.seen.size;
    tables.seen.add(msgId);
    this.progressTotal += tables.seen.size - before;
  }

  private storeOffset(tables: GroupTables, partition: number, offset: number): void {
    this.progressTotal += offset - tables.offsets[partition];
    tables.offsets[partition] = offset;
  }

  start(): void {}
  crash(): void {}
  timer(): void {}

  receive(ctx: Ctx, from: string, message: DbMessage): void {
    switch (message.type) {
      case 'db-apply':
        return this.apply(ctx, from, message);
      case 'db-check-seen':
        ctx.send(from, { type: 'db-seen', msgId: message.msgId, attempt: message.attempt, seen: this.group(message.group).seen.has(message.msgId) });
        return;
      case 'db-mark-seen':
        this.markSeen(this.group(message.group), message.msgId);
        ctx.record({ t: ctx.now, actor: this.id, kind: 'db-mark-seen', msg: message.msgId, attempt: message.attempt, group: message.group });
        ctx.send(from, { type: 'db-marked', msgId: message.msgId, attempt: message.attempt });
        return;
      case 'db-read-offsets':
        ctx.send(from, { type: 'db-offsets', attempt: message.attempt, offsets: [...this.group(message.group).offsets] });
        return;
      case 'db-give-up':
        return this.giveUp(ctx, from, message);
      default:
        return;
    }
  }

  private giveUp(ctx: Ctx, from: string, message: Extract<DbMessage, { type: 'db-give-up' }>): void {
    const tables = this.group(message.group);
    if (message.dedup) this.markSeen(tables, message.msgId);
    const at = { t: ctx.now, actor: this.id, kind: 'db-given-up', msg: message.msgId, attempt: message.attempt, partition: message.partition, offset: message.offset, group: message.group, markedSeen: message.dedup } as const;
    if (message.storeOffset) {
      // Never backwards: a later record's effect may already have stored a higher offset.
      this.storeOffset(tables, message.partition, Math.max(tables.offsets[message.partition], message.offset + 1));
      ctx.record({ ...at, storedOffset: tables.offsets[message.partition] });
    } else ctx.record(at);
    ctx.send(from, { type: 'db-reply', msgId: message.msgId, attempt: message.attempt, result: 'given-up' });
  }

  private apply(ctx: Ctx, from: string, message: Extract<DbMessage, { type: 'db-apply' }>): void {
    const tables = this.group(message.group);
    let result: DbResult = 'committed';
    if (message.storeOffset && tables.offsets[message.partition] > message.offset) {
      // The offset stored with an earlier effect already covers this record: it was applied.
      result = 'already-applied';
    } else if (message.dedup && tables.seen.has(message.msgId)) {
      result = 'duplicate-skipped';
    } else {
      this.effects.push({ msgId: message.msgId, key: message.key, partition: message.partition, offset: message.offset, t: ctx.now, group: message.group, consumer: from });
      this.progressTotal++;
      if (message.dedup) this.markSeen(tables, message.msgId);
    }
    if (message.storeOffset && result !== 'already-applied') this.storeOffset(tables, message.partition, message.offset + 1);
    // Hot path: the record is built whole (see ActorContext.record); storedOffset only when the offset is stored.
    const kind = result === 'committed' ? 'db-commit' : (`db-${result}` as const);
    if (message.storeOffset) ctx.record({ t: ctx.now, actor: this.id, kind, msg: message.msgId, attempt: message.attempt, partition: message.partition, offset: message.offset, group: message.group, storedOffset: tables.offsets[message.partition] });
    else ctx.record({ t: ctx.now, actor: this.id, kind, msg: message.msgId, attempt: message.attempt, partition: message.partition, offset: message.offset, group: message.group });
    ctx.send(from, { type: 'db-reply', msgId: message.msgId, attempt: message.attempt, result });
  }
}
