/**
 * The consumer's database. Every request is one atomic transaction, committed the moment it arrives; its
 * reply can still be lost (db-reply-lost), which is the window "committed, but the consumer doesn't know".
 * Durable: the applied effects, the dedup table (unique message ids), the stored consumer offsets.
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
}

export class Database implements Actor<DbProtocol> {
  readonly effects: AppliedEffect[] = [];
  readonly seen = new Set<string>();
  readonly offsets: number[];

  constructor(
    readonly id: string,
    partitions: number,
  ) {
    this.offsets = new Array<number>(partitions).fill(0);
  }

  start(): void {}
  crash(): void {}
  timer(): void {}

  receive(ctx: Ctx, from: string, message: DbMessage): void {
    switch (message.type) {
      case 'db-apply': {
        let result: DbResult = 'committed';
        if (message.storeOffset && this.offsets[message.partition] > message.offset) {
          // The offset stored with an earlier effect already covers this record: it was applied.
          result = 'already-applied';
        } else if (message.dedup && this.seen.has(message.msgId)) {
          result = 'duplicate-skipped';
        } else {
          this.effects.push({ msgId: message.msgId, key: message.key, partition: message.partition, offset: message.offset, t: ctx.now });
          if (message.dedup) this.seen.add(message.msgId);
        }
        if (message.storeOffset && result !== 'already-applied') this.offsets[message.partition] = message.offset + 1;
        // Hot path: the record is built whole (see ActorContext.record); storedOffset only when the offset is stored.
        const kind = result === 'committed' ? 'db-commit' : (`db-${result}` as const);
        if (message.storeOffset) ctx.record({ t: ctx.now, actor: this.id, kind, msg: message.msgId, attempt: message.attempt, partition: message.partition, offset: message.offset, storedOffset: this.offsets[message.partition] });
        else ctx.record({ t: ctx.now, actor: this.id, kind, msg: message.msgId, attempt: message.attempt, partition: message.partition, offset: message.offset });
        ctx.send(from, { type: 'db-reply', msgId: message.msgId, attempt: message.attempt, result });
        return;
      }
      case 'db-check-seen':
        ctx.send(from, { type: 'db-seen', msgId: message.msgId, attempt: message.attempt, seen: this.seen.has(message.msgId) });
        return;
      case 'db-mark-seen':
        this.seen.add(message.msgId);
        ctx.record({ t: ctx.now, actor: this.id, kind: 'db-mark-seen', msg: message.msgId, attempt: message.attempt });
        ctx.send(from, { type: 'db-marked', msgId: message.msgId, attempt: message.attempt });
        return;
      case 'db-read-offsets':
        ctx.send(from, { type: 'db-offsets', attempt: message.attempt, offsets: [...this.offsets] });
        return;
      default:
        return;
    }
  }
}
