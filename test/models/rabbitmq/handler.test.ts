/**
 * A team's own handler under `--broker rabbitmq` (README "Your own handler under test"): it sees basic.deliver's
 * `redelivered` flag, its failures go through --on-error onto AMQP primitives (retry: basic.nack requeue=true;
 * dead-letter: basic.reject requeue=false; skip: basic.ack), and fast-check plans named by its steps keep
 * exactly-once's promises for a handler with its dedup key in the effect's transaction, and break them for a naive one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../library/simulate.js';
import type { HandlerInput } from '../../../library/simulate.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { EventOf } from '../../../models/events.js';
import type { Handler } from '../../../models/handler/contract.js';
import { faultPlanArb } from '../../../properties/fault-arbitraries.js';

const workload = { messages: 6, keys: 2 };
const plan = (...faults: object[]) => ({ version: 1, faults }) as HandlerInput['faults'];

const idempotent: Handler = async (record, db) =>
  db.transaction(async (tx) => {
    if ((await tx.insert('processed', record.id, true)) === 'conflict') return 'ack';
    await tx.increment('ledger', record.key, 1);
    return 'ack';
  });

const naive: Handler = async (record, db) => {
  await db.increment('ledger', record.key, 1);
};

/** Remembers each delivery's flag: `seen[m3#2] = true` is m3's 2nd delivery, redelivered. */
const flagRecorder: Handler = async (record, db) => {
  await db.put('seen', `${record.id}#${record.delivery}`, record.redelivered);
  await db.increment('ledger', record.key, 1);
};

const run = (handler: Handler, mode: HandlerInput['mode'], faults: HandlerInput['faults'], settings: HandlerInput['settings'] = {}): Promise<SimulationResult> =>
  simulate({ family: 'rabbitmq', mode, seed: 1, workload, settings, faults, handler, effects: ['ledger'] });

/** The flags a handler saw, read back from its final tables by a handler invariant. */
async function flagsSeen(faults: HandlerInput['faults'], msg: string): Promise<{ result: SimulationResult; flags: unknown[] }> {
  const flags: unknown[] = [];
  const capture = (db: { get(table: string, key: string): unknown }) => {
    for (let delivery = 1; db.get('seen', `${msg}#${delivery}`) !== undefined; delivery++) flags.push(db.get('seen', `${msg}#${delivery}`));
    return { holds: true };
  };
  const result = await simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, workload, faults, handler: flagRecorder, effects: ['ledger'], invariants: { capture } });
  return { result, flags };
}

const settlements = (result: SimulationResult, msg: string): string[] =>
  result.trace
    .filter((record): record is EventOf<'basic-ack'> | EventOf<'basic-nack'> => (record.kind === 'basic-ack' || record.kind === 'basic-nack') && record.msg === msg)
    .map((record) => (record.kind === 'basic-ack' ? 'ack' : record.requeue ? 'nack requeue=true' : 'reject requeue=false'));

describe('a handler under --broker rabbitmq', () => {
  it("sees basic.deliver's redelivered flag: true after a closed channel requeued it, false for a re-published copy", async () => {
    const requeued = await flagsSeen(plan({ kind: 'connection-closed', message: 'm3', delivery: 1 }), 'm3');
    expect(requeued.flags).toEqual([false, true]);
    // The confirm is lost, the publisher re-publishes: the broker sees a new message, the group a 2nd delivery.
    const { result: republished, flags } = await flagsSeen(plan({ kind: 'confirm-lost', message: 'm3', attempt: 1 }), 'm3');
    expect(flags).toEqual([false, false]);
    expect(republished.invariants.duplicates.count).toBe(1);
  });

  it('maps its failures through --on-error: retry => basic.nack requeue=true, dead-letter => basic.reject requeue=false, skip => basic.ack', async () => {
    const failsOnM3: Handler = async (record, db) => {
      if (record.id === 'm3') throw new Error('poison');
      await db.increment('ledger', record.key, 1);
    };
    const settings = { processingRetries: 1, deliveryLimit: 'unlimited' as const };
    const deadLetter = await run(failsOnM3, 'at-least-once', 'none', { ...settings, onError: 'dead-letter' });
    expect(settlements(deadLetter, 'm3')).toEqual(['nack requeue=true', 'reject requeue=false']);
    expect(deadLetter.parked.count).toBe(1);
    expect(deadLetter.verdict).toBe('ok');
    const skip = await run(failsOnM3, 'at-least-once', 'none', { ...settings, onError: 'skip' });
    expect(settlements(skip, 'm3')).toEqual(['nack requeue=true', 'ack']);
    expect(skip.invariants.loss.count).toBe(1);
    const retry = await run(failsOnM3, 'at-least-once', 'none', { ...settings, onError: 'retry', deliveryLimit: 3 });
    // Requeued forever but for x-delivery-limit 3: four deliveries, then the quorum queue dead-letters it.
    expect(settlements(retry, 'm3')).toEqual(Array(4).fill('nack requeue=true'));
    expect(retry.trace.filter((record) => record.kind === 'queue-dead-letter').map((record) => ('reason' in record ? record.reason : ''))).toEqual(['delivery_limit']);
  });

  it("returns 'dead-letter' or 'skip' itself: rejected or acked at once; with autoAck a failure loses the message", async () => {
    const returns: Handler = async (record, db) => {
      if (record.id === 'm2') return 'skip';
      if (record.id === 'm3') return 'dead-letter';
      await db.increment('ledger', record.key, 1);
      return 'ack';
    };
    const result = await run(returns, 'at-least-once', 'none');
    expect(settlements(result, 'm2')).toEqual(['ack']);
    expect(settlements(result, 'm3')).toEqual(['reject requeue=false']);
    const failsOnM3: Handler = async (record, db) => {
      if (record.id === 'm3') return 'retry';
      await db.increment('ledger', record.key, 1);
    };
    const autoAck = await run(failsOnM3, 'at-most-once', 'none', { onError: 'dead-letter' });
    expect(autoAck.trace.some((record) => record.kind === 'autoack-lost' && record.msg === 'm3')).toBe(true);
    expect(settlements(autoAck, 'm3')).toEqual([]);
    expect(autoAck.invariants.loss.count).toBe(1);
  });

  it('fast-check plans named by its steps (faultPlanArb family rabbitmq): the idempotent handler keeps exactly-once, the naive one duplicates', async () => {
    const plans = faultPlanArb({ family: 'rabbitmq', maxFaults: 2, handlerCalls: 3, workload });
    const kinds = new Set(fc.sample(plans, { seed: 5, numRuns: 200 }).flatMap((drawn) => drawn.faults.map((fault) => fault.kind)));
    expect(kinds).toContain('connection-closed');
    expect(kinds).not.toContain('ack-lost');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), plans, async (seed, faults) => {
        const result = await simulate({ family: 'rabbitmq', mode: 'exactly-once', seed, workload, faults, handler: idempotent, effects: ['ledger'] });
        expect(result.verdict).toBe('ok');
      }),
      { seed: 12, numRuns: 40 },
    );
    const naiveBreaks = await run(naive, 'exactly-once', plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, afterCall: 1 }));
    expect(naiveBreaks.invariants.duplicates.status).toBe('VIOLATED');
  });
});
