/**
 * Fault kinds at the windows of a Kafka transaction (worlds with `--transactions true` only). A transaction is
 * named by a message it holds: the application's abort by the record it was writing, the others by the
 * transaction's last record (the one after which the producer sends EndTxn).
 */
import { messageArb, messageId } from '../faults/spec.js';
import { TRANSACTION_CRASH_POINTS } from '../faults/common.js';
import { PlanError } from '../faults/plan.js';
import type { FaultPlan } from '../faults/catalog.js';
import type { FaultSpec } from '../faults/spec.js';

export type TransactionFault =
  /** The application calls abortTransaction() right after sending `message` (its transaction's records stay in the log, aborted). */
  | { kind: 'transaction-abort'; message: string }
  /** The coordinator's answer to EndTxn for the transaction ending at `message` is lost (the producer retries EndTxn). */
  | { kind: 'end-txn-response-lost'; message: string }
  /** The transaction coordinator fails over after preparing the transaction ending at `message`, before writing its markers. */
  | { kind: 'transaction-coordinator-failover'; message: string }
  /**
   * A zombie: before the producer commits the transaction ending at `message`, a new instance with the same
   * transactional.id calls initTransactions (it bumps the epoch and aborts the open transaction); the old instance's
   * EndTxn is then fenced.
   */
  | { kind: 'zombie-producer'; message: string };

type Of<K extends TransactionFault['kind']> = Extract<TransactionFault, { kind: K }>;

export const TRANSACTION_ABORT: FaultSpec<Of<'transaction-abort'>> = {
  kind: 'transaction-abort',
  strikes: 'producer',
  rate: 'transaction',
  summary: 'the application aborts the transaction holding a message, right after sending it (--transactions true)',
  example: { kind: 'transaction-abort', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `the application aborts the transaction holding ${fault.message}, right after sending it`,
  moment: (fault) => `right after sending ${fault.message}`,
  drawing: (fault) => ({ note: 'producer', text: `abortTransaction() holding ${fault.message}` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('transaction-abort' as const), message: messageArb(fc, space) }),
};

export const END_TXN_RESPONSE_LOST: FaultSpec<Of<'end-txn-response-lost'>> = {
  kind: 'end-txn-response-lost',
  strikes: 'producer',
  rate: 'transaction',
  summary: "the transaction coordinator's answer to EndTxn is lost (the producer retries EndTxn) (--transactions true)",
  example: { kind: 'end-txn-response-lost', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `the coordinator's answer to EndTxn for the transaction ending at ${fault.message} is lost`,
  drawing: (fault) => ({ arrow: { from: 'broker', to: 'producer', reply: true }, text: `EndTxn answer (transaction ending at ${fault.message}) LOST` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('end-txn-response-lost' as const), message: messageArb(fc, space) }),
};

export const TRANSACTION_COORDINATOR_FAILOVER: FaultSpec<Of<'transaction-coordinator-failover'>> = {
  kind: 'transaction-coordinator-failover',
  strikes: 'broker',
  rate: 'transaction',
  summary: 'the transaction coordinator fails over between preparing a commit and writing its markers (--transactions true)',
  example: { kind: 'transaction-coordinator-failover', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `the transaction coordinator fails over after preparing the transaction ending at ${fault.message}, before writing its markers`,
  moment: (fault) => `after preparing the transaction ending at ${fault.message}`,
  drawing: (fault) => ({ note: 'broker', text: `transaction coordinator fails over (transaction ending at ${fault.message} prepared)` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('transaction-coordinator-failover' as const), message: messageArb(fc, space) }),
};

export const ZOMBIE_PRODUCER: FaultSpec<Of<'zombie-producer'>> = {
  kind: 'zombie-producer',
  strikes: 'producer',
  rate: 'transaction',
  summary: 'a new instance with the same transactional.id takes over before a commit; the old one is a zombie and gets fenced (--transactions true)',
  example: { kind: 'zombie-producer', message: 'm3' },
  fields: { message: messageId },
  describe: (fault) => `a new producer instance with the same transactional.id calls initTransactions before the transaction ending at ${fault.message} commits; the old instance is a zombie`,
  moment: (fault) => `before the transaction ending at ${fault.message} commits`,
  drawing: (fault) => ({ note: 'producer', text: `new instance takes over before the commit of the transaction ending at ${fault.message}: the old one is a zombie` }),
  arbitrary: (fc, space) => fc.record({ kind: fc.constant('zombie-producer' as const), message: messageArb(fc, space) }),
};

export const TRANSACTION_FAULT_KINDS = ['transaction-abort', 'end-txn-response-lost', 'transaction-coordinator-failover', 'zombie-producer'] as const;

/**
 * Transaction faults strike a transactional producer (and a producer crash at a transaction's end needs one): in a
 * world without --transactions true they could never fire, so a plan of them is refused, as check --kinds refuses them.
 */
export function checkTransactionPlan(plan: FaultPlan, transactions: boolean): void {
  if (transactions) return;
  plan.faults.forEach((fault, index) => {
    const point = fault.kind === 'producer-crash' && (TRANSACTION_CRASH_POINTS as readonly string[]).includes(fault.point);
    if (!(TRANSACTION_FAULT_KINDS as readonly string[]).includes(fault.kind) && !point) return;
    const what = point ? `${fault.kind} at point "${(fault as { point: string }).point}"` : fault.kind;
    throw new PlanError(`fault #${index + 1} (${what}) needs a transactional producer: give --transactions true (with --idempotence true)`, index + 1, point ? 'point' : 'kind');
  });
}
