/**
 * The consumers' database. Every request is one atomic transaction, committed the moment it arrives; its reply
 * can still be lost (db-reply-lost), which is the window "committed, but the consumer doesn't know". Each
 * consumer group is its own application with its own tables: effects, a dedup table (unique message ids) and
 * stored offsets per group. Durable: all of it.
 */
import type { Actor, ActorContext } from '../../sim/world.js';
import type { DbResult, TraceEvent } from '../events.js';
import { HandlerTables } from '../handler/tables.js';
import { IndexBits } from '../index-bits.js';
import { EffectLog } from './effect-log.js';
import { idNumber } from '../workload.js';
import type { CommittedWrite, OpResult, TableOp } from '../handler/tables.js';
import { NO_STORED_OFFSET } from './protocol.js';
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
  /** Partitions an offset was stored for (read back as NO_STORED_OFFSET until then). */
  readonly stored: boolean[];
}

/** A group's stored offsets as read back: NO_STORED_OFFSET for a partition nothing was stored for. */
function storedOffsets(tables: GroupTables): number[] {
  return tables.offsets.map((offset, partition) => (tables.stored[partition] ? offset : NO_STORED_OFFSET));
}

export class Database implements Actor<DbProtocol> {
  /** The effects applied, in commit order (columns: see effect-log.ts). */
  readonly effects = new EffectLog();
  private readonly tables = new Map<string, GroupTables>();
  /** A user handler's tables (only when one runs), and which of them hold a message's effect. */
  readonly handlerTables = new HandlerTables();
  private readonly effectTables: ReadonlySet<string>;
  /** Handlings (group, message, delivery) that already have an effect: a handling counts once, however many rows it wrote. */
  private readonly effectHandlings = new Set<string>();
  /**
   * What progress() reports, kept up to date at every write (effects, dedup keys, stored offsets) instead of summed
   * over every group's tables: the World asks for it after every event of the heal phase.
   */
  private progressTotal = 0;
  /**
   * `messagesApplied`, counted from the effects when asked (only a watched run asks): the effects counted so far, the
   * messages with an effect per group, and how many those are.
   */
  private effectsCounted = 0;
  private readonly appliedByGroup = new Map<string, IndexBits>();
  private appliedCount = 0;

  constructor(
    readonly id: string,
    private readonly partitions: number,
    effectTables: readonly string[] = [],
  ) {
    this.effectTables = new Set(effectTables);
  }

  /** Messages with at least one effect, counted once per group (ids m1..mN): how far a long run has come (its progress line). */
  get messagesApplied(): number {
    for (; this.effectsCounted < this.effects.length; this.effectsCounted++) {
      const position = idNumber(this.effects.msgIdAt(this.effectsCounted)) - 1;
      if (position < 0) continue;
      const group = this.effects.groupAt(this.effectsCounted);
      let applied = this.appliedByGroup.get(group);
      if (applied === undefined) this.appliedByGroup.set(group, (applied = new IndexBits()));
      if (applied.add(position)) this.appliedCount++;
    }
    return this.appliedCount;
  }

  /** A group's tables, created on first use (every group starts with no effects and offsets 0). */
  private group(name: string): GroupTables {
    let tables = this.tables.get(name);
    if (tables === undefined) this.tables.set(name, (tables = { seen: new Set(), offsets: new Array<number>(this.partitions).fill(0), stored: new Array<boolean>(this.partitions).fill(false) }));
    return tables;
  }

  /**
   * Moves whenever the DB moves forward: an effect applied, an offset stored, a dedup key written. It is the number
   * of effects, plus every group's dedup keys, plus every group's stored offsets.
   */
  progress(): number {
    // A handler's committed writes move it too (its effects are among them).
    return this.progressTotal + this.handlerTables.writes;
  }

  private markSeen(tables: GroupTables, msgId: string): void {
    const before = tables.seen.size;
    tables.seen.add(msgId);
    this.progressTotal += tables.seen.size - before;
  }

  private storeOffset(tables: GroupTables, partition: number, offset: number): void {
    this.progressTotal += offset - tables.offsets[partition];
    tables.offsets[partition] = offset;
    tables.stored[partition] = true;
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
        ctx.send(from, { type: 'db-offsets', attempt: message.attempt, offsets: storedOffsets(this.group(message.group)) });
        return;
      case 'db-give-up':
        return this.giveUp(ctx, from, message);
      case 'db-op':
        return this.answer(ctx, from, message, this.handlerTables.apply(message.operation, message.txn), operationText(message.operation));
      case 'db-tx-commit':
        return this.answer(ctx, from, message, this.handlerTables.commit(message.txn), 'commit the transaction');
      case 'db-tx-rollback':
        this.handlerTables.rollback(message.txn);
        return;
      default:
        return;
    }
  }

  /**
   * A handler's call answered: its committed writes to effect tables become the handling's effect (once per
   * handling), the call and its answer go in the trace in the handler's words, and the reply goes back.
   */
  private answer(ctx: Ctx, from: string, message: Extract<DbMessage, { type: 'db-op' | 'db-tx-commit' }>, outcome: { result: OpResult; committed: CommittedWrite[] }, text: string): void {
    const effect = outcome.committed.some((write) => this.effectTables.has(write.table));
    const handling = `${message.group}\u0000${message.msgId}\u0000${message.delivery}`;
    if (effect && !this.effectHandlings.has(handling)) {
      this.effectHandlings.add(handling);
      this.effects.push(message.msgId, message.key, message.partition, message.offset, ctx.now, message.group, from);
    }
    const answer = message.type === 'db-op' && message.operation.op === 'get' && outcome.result.ok && outcome.result.value === undefined ? 'absent' : resultText(outcome.result);
    ctx.record({ t: ctx.now, actor: this.id, kind: 'db-op', msg: message.msgId, call: message.call, group: message.group, text: `${text} → ${answer}`, effect });
    ctx.send(from, { type: 'db-op-reply', msgId: message.msgId, call: message.call, result: outcome.result });
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
      this.effects.push(message.msgId, message.key, message.partition, message.offset, ctx.now, message.group, from);
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

/** A handler's operation in its own words: "get processed[m3]", "increment ledger[k1] by 1". */
export function operationText(operation: TableOp): string {
  const row = `${operation.table}[${operation.key}]`;
  switch (operation.op) {
    case 'get':
      return `get ${row}`;
    case 'put':
      return `put ${row} = ${JSON.stringify(operation.value)}`;
    case 'insert':
      return `insert ${row} = ${JSON.stringify(operation.value)}`;
    case 'increment':
      return `increment ${row} by ${operation.by}`;
    case 'delete':
      return `delete ${row}`;
  }
}

function resultText(result: OpResult): string {
  if (!result.ok) return `refused: ${result.error}`;
  if (!('value' in result) || result.value === undefined) return 'ok';
  return typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
}
