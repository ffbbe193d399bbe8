/**
 * Faults and broker errors in past-tense domain words, for stories ("the consumer crashed right after the DB
 * commit of m3"). describeFault in models/ words a fault as a plan entry; these word it as something that
 * happened, inside a longer sentence.
 */
import { specOf } from '../models/faults/catalog.js';
import type { Fault } from '../models/faults/catalog.js';
import type { FamilyName } from '../models/config.js';

/** When a crash struck, relative to the message it names: "right after the DB commit of m3 (delivery 1) ...". */
export function crashMoment(fault: Fault, family?: FamilyName): string {
  return specOf(fault.kind).moment?.(fault, family) ?? '';
}

/** A broker's produce error in words. */
export function produceErrorWords(error: string, partition: number | undefined, isr?: number, minInsync?: number): string {
  const where = partition === undefined ? 'the partition' : `partition ${partition}`;
  switch (error) {
    case 'NOT_LEADER_OR_FOLLOWER':
      return `${where} had no leader (NOT_LEADER_OR_FOLLOWER)`;
    case 'NOT_ENOUGH_REPLICAS':
      return `${where} had ${isr ?? 'too few'} in-sync replica${isr === 1 ? '' : 's'}, fewer than min.insync.replicas=${minInsync ?? '?'} (NOT_ENOUGH_REPLICAS)`;
    case 'OUT_OF_ORDER_SEQUENCE_NUMBER':
      return 'its sequence number was ahead of the last one the broker had stored (OUT_OF_ORDER_SEQUENCE_NUMBER)';
    default:
      return error;
  }
}
