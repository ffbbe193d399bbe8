/**
 * A user's handler in place of the built-in processing: each delivered record, after `processingMs`, goes to the
 * handler with a DB whose every call is one simulated round trip (sent now, answered when the DB's reply arrives,
 * rejected with a timeout after `consumerTimeoutMs`). The run pauses after each event that woke the handler
 * (`requestHostTurn`), so the handler's next call is sent at that same virtual time, before any later event.
 *
 * Faults between its steps: a crash once its n-th call of a delivery was answered (`afterCall`, 0: before its first
 * call), and a lost reply of its n-th call for a message (`db-reply-lost` with `call`). A crash drops the handler's
 * invocation where it stands: its pending promise never settles, its open transaction never commits.
 *
 * What it returns goes to the mode's delivery side: 'ack' (or nothing) processed; 'retry' or a throw through the
 * failure policy (backoff, then onError); 'skip' and 'dead-letter' at once.
 */
import { msToUs } from '../config.js';
import type { DbAnswer, DbMessage } from '../db/protocol.js';
import { operationText } from '../db/database.js';
import type { ApplicationContext, ApplicationOptions, ApplicationTimer, DeliveredRecord, Disposition, RecordApplication } from '../consumer/application.js';
import { afterFailure } from '../consumer/failure-policy.js';
import { FIRST_INSTANCE } from '../topology.js';
import { HANDLER_OUTCOMES, HandlerError } from './contract.js';
import type { DbValue, HandlerDb, HandlerModule, HandlerOutcome, HandlerRecord, HandlerTx } from './contract.js';
import type { OpResult, TableOp } from './tables.js';
import type { Workload } from '../workload.js';

/** One delivery being handled. */
interface Invocation {
  readonly record: DeliveredRecord;
  readonly delivery: number;
  /** Calls of this delivery answered so far (what `afterCall` counts). */
  answered: number;
  pending: { readonly call: number; readonly token: number; readonly resolve: (result: OpResult) => void; readonly reject: (error: Error) => void } | undefined;
  /** Set when the run paused for this invocation: after the host's turn it must be waiting on a call or be done. */
  woken: boolean;
  done: boolean;
}

/** A call left without an answer for consumerTimeoutMs. */
export class DbTimeoutError extends Error {
  constructor(readonly call: number) {
    super(`DB call ${call} timed out`);
    this.name = 'DbTimeoutError';
  }
}

const PROCESSED: Disposition = { kind: 'processed' };
const NEVER = new Promise<never>(() => {});

export class HandlerApplication implements RecordApplication {
  private invocation: Invocation | undefined;
  private token = 0;
  /** Calls per message (by workload index), over all its deliveries: what db-reply-lost's `call` counts. */
  private readonly calls: number[] = [];
  private transactions = 0;
  private ctx: ApplicationContext | undefined;
  /** A misuse of the contract that stops the run (thrown after the host's turn, not into the handler). */
  private misuse: HandlerError | undefined;

  constructor(
    private readonly options: ApplicationOptions,
    private readonly module: HandlerModule,
    private readonly workload: Workload,
  ) {}

  get idle(): boolean {
    return this.invocation === undefined;
  }

  get settled(): boolean {
    const invocation = this.invocation;
    return this.misuse !== undefined || invocation === undefined || !invocation.woken || invocation.done || invocation.pending !== undefined;
  }

  crash(): void {
    this.invocation = undefined;
  }

  handle(ctx: ApplicationContext, record: DeliveredRecord): void {
    this.ctx = ctx;
    const delivery = this.options.ledger.deliver(record.index);
    if (record.redelivered === undefined) ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery });
    else ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'deliver', msg: record.msgId, partition: record.partition, offset: record.offset, delivery, redelivered: record.redelivered });
    if (this.crashAfter(ctx, record, delivery, 0)) return;
    const token = ++this.token;
    this.invocation = { record, delivery, answered: 0, pending: undefined, woken: false, done: false };
    ctx.setTimer(msToUs(this.options.settings.processingMs), { tag: 'processed', token });
  }

  timer(ctx: ApplicationContext, timer: ApplicationTimer): void {
    const invocation = this.invocation;
    if (invocation === undefined || timer.token !== this.token) return;
    if (timer.tag === 'processed' && invocation.pending === undefined && !invocation.done) return this.invoke(ctx, invocation);
    const pending = invocation.pending;
    if (timer.tag === 'db-timeout' && pending !== undefined) {
      ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'handler-timeout', msg: invocation.record.msgId, call: pending.call });
      invocation.pending = undefined;
      this.wake(ctx, invocation);
      pending.reject(new DbTimeoutError(pending.call));
    }
  }

  receive(ctx: ApplicationContext, message: DbAnswer): void {
    const invocation = this.invocation;
    const pending = invocation?.pending;
    if (message.type !== 'db-op-reply' || invocation === undefined || pending === undefined || pending.call !== message.call || invocation.record.msgId !== message.msgId) return;
    invocation.pending = undefined;
    invocation.answered++;
    if (this.crashAfter(ctx, invocation.record, invocation.delivery, invocation.answered)) return;
    this.wake(ctx, invocation);
    pending.resolve(message.result);
  }

  /** Nothing to write for a record given up: the handler's own tables are its business. */
  giveUp(ctx: ApplicationContext, _record: DeliveredRecord, disposition: Disposition): void {
    this.finish(ctx, disposition);
  }

  /**
   * After the host's event loop turned: a woken handler must now wait on one of its DB calls, or be done. Anything
   * else means it awaits what the simulation does not control (a real timer, a fetch), which would hang the run or
   * make it differ from run to run: refuse it, naming the step.
   */
  checkAfterHostTurn(): void {
    if (this.misuse !== undefined) throw this.misuse;
    const invocation = this.invocation;
    if (invocation === undefined || !invocation.woken) return;
    invocation.woken = false;
    if (invocation.done || invocation.pending !== undefined) return;
    const step = invocation.answered === 0 ? 'before its first DB call' : `after DB call ${invocation.answered} was answered`;
    throw new HandlerError(`the handler awaited something other than its db calls while handling ${invocation.record.msgId} (delivery ${invocation.delivery}), ${step}: a handler may only await db.get/put/insert/increment/delete/transaction, so that every run of a seed is the same`);
  }

  private wake(ctx: ApplicationContext, invocation: Invocation): void {
    invocation.woken = true;
    ctx.requestHostTurn();
  }

  /** A crash once the delivery's n-th call was answered (0: before the handler's first call). */
  private crashAfter(ctx: ApplicationContext, record: DeliveredRecord, delivery: number, afterCall: number): boolean {
    const faults = this.options.env.faults;
    const consumer = this.options.actor === FIRST_INSTANCE.consumer ? {} : { consumer: this.options.actor };
    const crash = faults.draw('consumer-crash', ctx.phase) ? faults.inject({ kind: 'consumer-crash', message: record.msgId, delivery, afterCall, ...consumer }) : undefined;
    if (crash === undefined) return false;
    this.options.env.crash(this.options.actor, crash);
    return true;
  }

  private invoke(ctx: ApplicationContext, invocation: Invocation): void {
    const { record, delivery } = invocation;
    const view: HandlerRecord = {
      id: record.msgId,
      key: record.key,
      value: { seq: record.index + 1, producer: record.index < this.workload.length ? this.workload.producerAt(record.index) : FIRST_INSTANCE.producer },
      partition: record.partition,
      offset: record.offset,
      delivery,
      // The broker's own flag where the family has one (RabbitMQ's basic.deliver: a re-published copy is a new
      // message, redelivered=false); otherwise every delivery after the group's first.
      redelivered: record.redelivered ?? delivery > 1,
      group: this.options.ledger.group,
      consumer: this.options.actor,
    };
    this.wake(ctx, invocation);
    let returned: unknown;
    try {
      returned = this.module.handler(view, this.dbFor(invocation));
    } catch (error) {
      return this.settle(invocation, { error });
    }
    Promise.resolve(returned).then(
      (outcome) => this.settle(invocation, { outcome }),
      (error: unknown) => this.settle(invocation, { error }),
    );
  }

  /** The handler returned or threw: trace it, then hand the record back to the delivery side. */
  private settle(invocation: Invocation, how: { outcome?: unknown; error?: unknown }): void {
    const ctx = this.ctx;
    if (invocation !== this.invocation || ctx === undefined) return;
    invocation.done = true;
    const actor = this.options.actor;
    const msg = invocation.record.msgId;
    let outcome = how.outcome === undefined ? 'ack' : how.outcome;
    let error = how.error;
    if (error === undefined && !HANDLER_OUTCOMES.includes(outcome as HandlerOutcome)) {
      error = new Error(`returned ${JSON.stringify(outcome)}; expected one of ${HANDLER_OUTCOMES.join(', ')}`);
      outcome = 'retry';
    }
    if (error !== undefined || outcome === 'retry') {
      const text = error === undefined ? 'asked for a retry' : errorText(error);
      if (error !== undefined) ctx.record({ t: ctx.now, actor, kind: 'handler-threw', msg, delivery: invocation.delivery, error: text.slice(0, 200) });
      else ctx.record({ t: ctx.now, actor, kind: 'handler-done', msg, delivery: invocation.delivery, outcome: 'retry' });
      const disposition = afterFailure(ctx, actor, this.options.settings, msg, invocation.delivery);
      return this.finish(ctx, disposition);
    }
    ctx.record({ t: ctx.now, actor, kind: 'handler-done', msg, delivery: invocation.delivery, outcome: outcome as HandlerOutcome });
    if (outcome === 'skip') {
      ctx.record({ t: ctx.now, actor, kind: 'skipped', msg, delivery: invocation.delivery });
      return this.finish(ctx, { kind: 'skip' });
    }
    this.finish(ctx, outcome === 'dead-letter' ? { kind: 'dead-letter' } : PROCESSED);
  }

  private finish(ctx: ApplicationContext, disposition: Disposition): void {
    this.invocation = undefined;
    this.options.done(ctx, disposition);
  }

  /** The DB the handler sees; its calls are this invocation's, and do nothing once it is dropped (a crash). */
  private dbFor(invocation: Invocation): HandlerDb {
    const tx = (txn: string | undefined): HandlerTx => ({
      get: async (table, key) => value(await this.call(invocation, { op: 'get', table: String(table), key: String(key) }, txn)),
      put: async (table, key, stored) => {
        await this.call(invocation, { op: 'put', table: String(table), key: String(key), value: stored }, txn);
      },
      insert: async (table, key, stored) => value(await this.call(invocation, { op: 'insert', table: String(table), key: String(key), value: stored }, txn)) as 'inserted' | 'conflict',
      increment: async (table, key, by = 1) => value(await this.call(invocation, { op: 'increment', table: String(table), key: String(key), by: Number(by) }, txn)) as number,
      delete: async (table, key) => value(await this.call(invocation, { op: 'delete', table: String(table), key: String(key) }, txn)) as boolean,
    });
    return {
      ...tx(undefined),
      transaction: async <T>(body: (tx: HandlerTx) => Promise<T>): Promise<T> => {
        const txn = `${this.options.actor}#${++this.transactions}`;
        let result: T;
        try {
          result = await body(tx(txn));
        } catch (error) {
          // Nothing waits for a rollback: the DB just forgets the transaction.
          if (invocation === this.invocation) this.ctx?.send(this.options.db, { type: 'db-tx-rollback', txn });
          throw error;
        }
        const committed = await this.call(invocation, 'commit', txn);
        if (!committed.ok) throw new Error(committed.error);
        return result;
      },
    };
  }

  /** One round trip: send the call now, resolve on its answer, reject on its timeout. */
  private call(invocation: Invocation, operation: TableOp | 'commit', txn: string | undefined): Promise<OpResult> {
    const ctx = this.ctx;
    if (invocation !== this.invocation || ctx === undefined) return NEVER;
    if (invocation.pending !== undefined) {
      // Thrown into the handler it could be caught and the run would go on, differently: stop the run instead.
      this.misuse ??= new HandlerError(`the handler for ${invocation.record.msgId} started a DB call before call ${invocation.pending.call} was answered: await each db call before the next (no Promise.all over db calls)`);
      return NEVER;
    }
    const { record, delivery } = invocation;
    const call = (this.calls[record.index] ?? 0) + 1;
    this.calls[record.index] = call;
    const where = { msgId: record.msgId, delivery, call, group: this.options.ledger.group, key: record.key, partition: record.partition, offset: record.offset };
    let message: DbMessage;
    if (operation === 'commit') message = { type: 'db-tx-commit', ...where, txn: txn as string };
    else message = txn === undefined ? { type: 'db-op', ...where, operation } : { type: 'db-op', ...where, operation, txn };
    const text = operation === 'commit' ? 'commit the transaction' : `${operationText(operation)}${txn === undefined ? '' : ' (in a transaction)'}`;
    ctx.record({ t: ctx.now, actor: this.options.actor, kind: 'handler-call', msg: record.msgId, delivery, call, text });
    const token = ++this.token;
    ctx.send(this.options.db, message);
    ctx.setTimer(msToUs(this.options.settings.consumerTimeoutMs), { tag: 'db-timeout', token });
    return new Promise<OpResult>((resolve, reject) => {
      invocation.pending = { call, token, resolve, reject };
    });
  }
}

/** A thrown value in one short line: an Error's message, anything else as JSON. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? typeof error);
}

/** What a call resolves to: its value, or (a refused call) an error the handler sees thrown. */
function value(result: OpResult): DbValue | undefined {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

