/**
 * The tables a handler writes, on the DB's side: committed rows per table, and each open transaction's operations
 * (replayed over the committed rows on read and at commit). Values are copied in and out as JSON, so a handler
 * never holds an object the DB holds. A transaction commits all its writes or none: at commit every insert is
 * checked against the committed rows again (first committer wins), and increments add to the committed value (as
 * `UPDATE ... SET n = n + 1` does), so two transactions never lose each other's increments.
 */
import type { DbValue, FinalDb } from './contract.js';

/** One operation of a handler call. */
export type TableOp =
  | { readonly op: 'get'; readonly table: string; readonly key: string }
  | { readonly op: 'put'; readonly table: string; readonly key: string; readonly value: DbValue }
  | { readonly op: 'insert'; readonly table: string; readonly key: string; readonly value: DbValue }
  | { readonly op: 'increment'; readonly table: string; readonly key: string; readonly by: number }
  | { readonly op: 'delete'; readonly table: string; readonly key: string };

export type WriteOp = Exclude<TableOp, { op: 'get' }>;

/** What a call answers: the operation's result, or (a commit) a refusal. */
export type OpResult = { readonly ok: true; readonly value?: DbValue } | { readonly ok: false; readonly error: string };

/** A committed write: which table and key it changed. */
export interface CommittedWrite {
  readonly table: string;
  readonly key: string;
}

const copy = (value: DbValue | undefined): DbValue | undefined => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as DbValue));

export class HandlerTables implements FinalDb {
  private readonly rows = new Map<string, Map<string, DbValue>>();
  private readonly open = new Map<string, WriteOp[]>();
  /** Committed writes so far: what the run's progress watchdog watches. */
  writes = 0;

  get(table: string, key: string): DbValue | undefined {
    return copy(this.rows.get(table)?.get(key));
  }

  keys(table: string): string[] {
    return [...(this.rows.get(table)?.keys() ?? [])].sort();
  }

  /**
   * One operation, outside a transaction (applied now) or inside `txn` (buffered). Returns its answer and, when it
   * was applied outside a transaction, the write it committed.
   */
  apply(operation: TableOp, txn: string | undefined): { result: OpResult; committed: CommittedWrite[] } {
    if (operation.op === 'get') return { result: { ok: true, value: copy(this.read(operation.table, operation.key, txn)) }, committed: [] };
    if (txn === undefined) {
      const value = this.write(operation);
      return { result: { ok: true, ...(value !== undefined ? { value } : {}) }, committed: value === 'conflict' ? [] : [{ table: operation.table, key: operation.key }] };
    }
    const answer = answerOf(operation, this.read(operation.table, operation.key, txn));
    const ops = this.open.get(txn) ?? [];
    this.open.set(txn, ops);
    // An insert that conflicted changes nothing, then or at commit.
    if (answer !== 'conflict') ops.push(operation.op === 'put' || operation.op === 'insert' ? { ...operation, value: copy(operation.value) as DbValue } : operation);
    return { result: { ok: true, ...(answer !== undefined ? { value: answer } : {}) }, committed: [] };
  }

  /** Commit a transaction: all its writes, or none when an insert now conflicts. */
  commit(txn: string): { result: OpResult; committed: CommittedWrite[] } {
    const ops = this.open.get(txn) ?? [];
    this.open.delete(txn);
    // An insert that found its key free inside the transaction must still find it free now.
    const inserted = new Set<string>();
    for (const op of ops) {
      const id = `${op.table}\u0000${op.key}`;
      if (op.op === 'insert' && !inserted.has(id) && this.rows.get(op.table)?.has(op.key) === true && !deletedBefore(ops, op)) return { result: { ok: false, error: `unique key ${op.table}[${op.key}] was inserted by another transaction first` }, committed: [] };
      if (op.op === 'insert') inserted.add(id);
    }
    const committed: CommittedWrite[] = [];
    for (const op of ops) if (this.write(op) !== 'conflict') committed.push({ table: op.table, key: op.key });
    return { result: { ok: true }, committed };
  }

  /** Forget a transaction (the consumer crashed, or its body threw): none of its writes happen. */
  rollback(txn: string): void {
    this.open.delete(txn);
  }

  private table(name: string): Map<string, DbValue> {
    let table = this.rows.get(name);
    if (table === undefined) this.rows.set(name, (table = new Map<string, DbValue>()));
    return table;
  }

  /** The value a transaction sees: the committed one with its own operations replayed over it. */
  private read(table: string, key: string, txn: string | undefined): DbValue | undefined {
    let value = this.rows.get(table)?.get(key);
    for (const op of (txn === undefined ? undefined : this.open.get(txn)) ?? []) if (op.table === table && op.key === key) value = after(op, value);
    return value;
  }

  private write(op: WriteOp): DbValue | undefined {
    const table = this.table(op.table);
    const before = table.get(op.key);
    const answer = answerOf(op, before);
    if (answer === 'conflict') return answer;
    const value = after(op, before);
    if (value === undefined) table.delete(op.key);
    else table.set(op.key, op.op === 'put' || op.op === 'insert' ? (copy(value) as DbValue) : value);
    this.writes++;
    return answer;
  }
}

/** The value under a key once `op` is applied to `before` (undefined: no row). */
function after(op: WriteOp, before: DbValue | undefined): DbValue | undefined {
  switch (op.op) {
    case 'put':
      return op.value;
    case 'insert':
      return before === undefined ? op.value : before;
    case 'increment':
      return (typeof before === 'number' ? before : 0) + op.by;
    case 'delete':
      return undefined;
  }
}

/** What the handler's call resolves to. */
function answerOf(op: TableOp, before: DbValue | undefined): DbValue | undefined {
  switch (op.op) {
    case 'get':
      return before;
    case 'put':
      return undefined;
    case 'insert':
      return before === undefined ? 'inserted' : 'conflict';
    case 'increment':
      return (typeof before === 'number' ? before : 0) + op.by;
    case 'delete':
      return before !== undefined;
  }
}

/** Inside one transaction, a delete of the same key before this insert frees it again. */
function deletedBefore(ops: readonly WriteOp[], insert: WriteOp): boolean {
  const at = ops.indexOf(insert);
  return ops.slice(0, at).some((op) => op.op === 'delete' && op.table === insert.table && op.key === insert.key);
}
