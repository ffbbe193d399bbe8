/**
 * A team's own handler under test, through the library: every awaited db call is a round trip that faults can
 * strike (a lost reply, a crash after the n-th call), and what broke is judged on the handler's effect tables.
 * Written only against the contract (models/handler/contract.ts), as a user would.
 */
import { describe, expect, it } from 'vitest';
import { HandlerError, checkDeterministic, checkHandler, resolveConfig, simulate } from '../../../index.js';
import type { Fault, Handler, HandlerDb, HandlerRecord, SimulationResult } from '../../../index.js';
import { explainInvariant } from '../../../reports/story.js';
import { parkedStory } from '../../../reports/story-failures.js';
import { TraceFacts } from '../../../reports/trace-facts.js';

const naive: Handler = async (record: HandlerRecord, db: HandlerDb) => {
  await db.increment('ledger', record.key, 1);
};

/** The processed-id check outside the effect's transaction: racy. */
const checkOutside: Handler = async (record, db) => {
  if ((await db.get('processed', record.id)) === true) return 'ack';
  await db.increment('ledger', record.key, 1);
  await db.put('processed', record.id, true);
  return 'ack';
};

/** The processed id inserted in the effect's transaction: a redelivery conflicts and changes nothing. */
const insertInTransaction: Handler = async (record, db) =>
  db.transaction(async (tx) => {
    if ((await tx.insert('processed', record.id, true)) === 'conflict') return 'ack';
    await tx.increment('ledger', record.key, 1);
    return 'ack';
  });

const plan = (...faults: Fault[]) => ({ version: 1 as const, faults });
const run = (handler: Handler, mode: 'at-least-once' | 'exactly-once', faults: ReturnType<typeof plan> | string, seed = 7): Promise<SimulationResult> =>
  simulate({ mode, seed, workload: { messages: 12 }, faults, handler, effects: ['ledger'] });

describe('a handler under faults between its steps', () => {
  it('runs every message through the handler: no faults, every effect once, in order', async () => {
    const result = await run(checkOutside, 'exactly-once', 'none');
    expect(result.verdict).toBe('ok');
    expect(result.effects).toHaveLength(12);
    const calls = result.trace.filter((record) => record.kind === 'handler-call');
    expect(calls).toHaveLength(36);
    expect(calls.slice(0, 3).map((record) => record.kind === 'handler-call' && record.text)).toEqual(['get processed[m1]', expect.stringMatching(/^increment ledger\[k\d\] by 1$/), 'put processed[m1] = true']);
  });

  it('a lost reply of a naive increment is retried by redelivery: a duplicate (at-least-once allows it)', async () => {
    const result = await run(naive, 'at-least-once', plan({ kind: 'db-reply-lost', message: 'm3', call: 1 }));
    expect(result.invariants.duplicates.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
    expect(result.invariants.loss.holds).toBe(true);
    expect(result.verdict).toBe('ok');
    expect(result.trace.some((record) => record.kind === 'handler-timeout' && record.msg === 'm3' && record.call === 1)).toBe(true);
  });

  it('exactly-once with the check outside the transaction: a crash between the effect and the mark duplicates (VIOLATED)', async () => {
    const result = await run(checkOutside, 'exactly-once', plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, afterCall: 2 }));
    expect(result.verdict).toBe('violated');
    expect(result.invariants.duplicates.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
    const calls = result.trace.filter((record) => record.kind === 'handler-call' && record.msg === 'm3').map((record) => record.kind === 'handler-call' && record.text);
    // Delivery 1: check, increment, crash. Delivery 2: check finds nothing, increments again, marks.
    expect(calls).toEqual(['get processed[m3]', expect.stringContaining('increment'), 'get processed[m3]', expect.stringContaining('increment'), 'put processed[m3] = true']);
  });

  it('the same crash against an insert in the effect\'s transaction changes nothing: exactly-once holds', async () => {
    for (const afterCall of [0, 1, 2, 3]) {
      const result = await run(insertInTransaction, 'exactly-once', plan({ kind: 'consumer-crash', message: 'm3', delivery: 1, afterCall }));
      expect(result.verdict, `afterCall ${afterCall}`).toBe('ok');
      expect(result.effects.filter((effect) => effect.msgId === 'm3')).toHaveLength(1);
    }
  });

  it('holds exactly-once over 40 chaos seeds with the insert in the transaction, and breaks with the naive handler', async () => {
    let naiveDuplicates = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const safe = await run(insertInTransaction, 'exactly-once', 'chaos', seed);
      expect(safe.verdict, `seed ${seed}`).toBe('ok');
      if (!(await run(naive, 'exactly-once', 'chaos', seed)).invariants.duplicates.holds) naiveDuplicates++;
    }
    expect(naiveDuplicates).toBeGreaterThan(10);
  });

  it('a transaction whose body throws rolls back: none of its writes happen, and the failure policy redelivers', async () => {
    let calls = 0;
    const flaky: Handler = async (record, db) => {
      await db.transaction(async (tx) => {
        await tx.increment('ledger', record.key, 1);
        if (record.id === 'm2' && calls++ === 0) throw new Error('business rule failed');
      });
    };
    const result = await run(flaky, 'at-least-once', 'none');
    expect(result.verdict).toBe('ok');
    expect(result.invariants.duplicates.holds).toBe(true);
    expect(result.trace.some((record) => record.kind === 'handler-threw' && record.msg === 'm2' && record.error === 'business rule failed')).toBe(true);
    expect(result.trace.some((record) => record.kind === 'processing-retry' && record.msg === 'm2')).toBe(true);
  });

  it("'skip' and 'dead-letter' go to the delivery side at once", async () => {
    const picky: Handler = async (record, db) => {
      if (record.id === 'm4') return 'skip';
      if (record.id === 'm5') return 'dead-letter';
      await db.put('ledger', record.id, record.value.seq);
    };
    const result = await run(picky, 'at-least-once', 'none');
    expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m4']);
    expect(result.parked.count).toBe(1);
  });

  it('is deterministic: the same seed and handler give the same trace hash', async () => {
    const first = await run(checkOutside, 'at-least-once', 'chaos', 3);
    const second = await run(checkOutside, 'at-least-once', 'chaos', 3);
    expect(second.traceHash()).toBe(first.traceHash());
  });
});

describe('a handler that breaks the contract is refused, never waited for', () => {
  it('awaiting a real timer stops the run with one line naming the step', async () => {
    const sleepy: Handler = async (record, db) => {
      await db.get('x', record.id);
      await new Promise((resolve) => setTimeout(resolve, 1));
      await db.put('ledger', record.id, 1);
    };
    await expect(run(sleepy, 'at-least-once', 'none')).rejects.toThrow(HandlerError);
    await expect(run(sleepy, 'at-least-once', 'none')).rejects.toThrow(/awaited something other than its db calls while handling m1 \(delivery 1\), after DB call 1 was answered/);
  });

  it('db calls in parallel stop the run', async () => {
    const parallel: Handler = async (record, db) => {
      await Promise.all([db.get('a', record.id), db.get('b', record.id)]);
    };
    await expect(run(parallel, 'at-least-once', 'none')).rejects.toThrow(/before call 1 was answered/);
  });

  it('the library refuses bad inputs with one line: unknown keys, misspelled kinds, unknown settings, a handler without effects', () => {
    expect(() => simulate({ mode: 'at-least-once', seed: 1, consumer: {} } as never)).toThrow(/invalid consumer/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, faults: { version: 1, faults: [{ kind: 'ack-losst', message: 'm1', attempt: 1 }] } as never })).toThrow(/"kind" got "ack-losst"; must be one of/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, settings: { ackz: 1 } as never })).toThrow(/invalid ackz/);
    expect(() => simulate(resolveConfig({ mode: 'at-least-once', seed: 1 }) as never)).toThrow(/a resolved SimulationConfig/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, handler: naive, effects: [] })).toThrow(/"effects" must be a non-empty list/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, effects: ['ledger'] } as never)).toThrow(/a handler to go with them/);
    expect(() => simulate({ mode: 'at-least-once', seed: 1, faults: { version: 1, faults: [{ kind: 'consumer-crash', message: 'm1', delivery: 1, point: 'after-fetch', afterCall: 1 }] } })).toThrow(/exactly one of "point"/);
  });
});

describe('checkHandler: the library\'s search over a handler function', () => {
  it('exactly-once with the check outside the transaction: VIOLATED, shrunk to one crash between two calls, with a replay call that reproduces it', async () => {
    const outcome = await checkHandler({ mode: 'exactly-once', seed: 1, workload: { messages: 8 }, invariant: 'duplicates', runs: 200, handler: checkOutside, effects: ['ledger'] });
    expect(outcome.verdict).toBe('violated');
    const [finding] = outcome.findings;
    expect(finding.plan.faults).toHaveLength(1);
    expect(finding.plan.faults[0]).toMatchObject({ kind: 'consumer-crash' });
    expect(finding.inWords[0]).toMatch(/crashes right after call \d of the handler for m\d+ was answered/);
    expect(finding.replay).toContain('await simulate({ ...{"mode":"exactly-once","seed":1,"workload":{"messages":8}}, faults: {"version":1,"faults":[{"kind":"consumer-crash"');
    const replayed = await simulate({ mode: 'exactly-once', seed: 1, workload: { messages: 8 }, faults: finding.plan, handler: checkOutside, effects: ['ledger'] });
    expect(replayed.traceHash()).toBe(finding.result.traceHash());
    expect(replayed.verdict).toBe('violated');
  });

  it('holds for the insert in the effect\'s transaction, and refuses bad search options in one line', async () => {
    const outcome = await checkHandler({ mode: 'exactly-once', seed: 1, runs: 150, handler: insertInTransaction, effects: ['ledger'] });
    expect(outcome).toMatchObject({ verdict: 'ok', findings: [] });
    expect(outcome.plansTried.duplicates).toBe(150);
    await expect(checkHandler({ mode: 'exactly-once', seed: 1, invariant: 'dupes', handler: naive, effects: ['ledger'] })).rejects.toThrow(/invalid invariant/);
    await expect(checkHandler({ mode: 'exactly-once', seed: 1, handler: naive, effects: ['ledger'], faults: 'chaos' } as never)).rejects.toThrow(/checkHandler generates its own fault plans/);
    await expect(checkHandler({ mode: 'exactly-once', seed: 1, handler: naive, effects: ['ledger'], runz: 3 } as never)).rejects.toThrow(/invalid runz/);
    // The search's bounds are named as the caller wrote them (not as fast-check's numRuns), with simulate check's ranges.
    await expect(checkHandler({ mode: 'exactly-once', seed: 1, handler: naive, effects: ['ledger'], runs: -3 })).rejects.toThrow('invalid runs: -3 (allowed: an integer from 1 to 10000000)');
    await expect(checkHandler({ mode: 'exactly-once', seed: 1, handler: naive, effects: ['ledger'], maxFaults: 0 })).rejects.toThrow('invalid maxFaults: 0 (allowed: an integer from 1 to 100)');
  });

  it('refuses a handler that does not replay (ids remembered across runs), naming where its two runs parted', async () => {
    const seen = new Set<string>();
    const remembers: Handler = async (record, db) => {
      if (seen.has(record.id)) return 'ack';
      seen.add(record.id);
      await db.increment('ledger', record.key, 1);
      return 'ack';
    };
    const outcome = checkHandler({ mode: 'at-least-once', seed: 4, runs: 20, handler: remembers, effects: ['ledger'] });
    await expect(outcome).rejects.toThrow(HandlerError);
    seen.clear();
    await expect(checkHandler({ mode: 'at-least-once', seed: 4, runs: 20, handler: remembers, effects: ['ledger'] })).rejects.toThrow(
      /^the handler is not deterministic: the same run, played twice, parted at trace record \d+ \([\d.]+ ms, g1\/c1 handler-call m1\): kind "handler-call" the first time, "handler-done" the second\./,
    );
    // The same check for a team's own suite; a handler that replays passes it.
    seen.clear();
    await expect(checkDeterministic({ mode: 'at-least-once', seed: 4, faults: 'chaos', handler: remembers, effects: ['ledger'] })).rejects.toThrow(/^the handler is not deterministic/);
    const drawsRandom: Handler = async (record, db) => {
      await db.put('ledger', record.key, Math.random());
      return 'ack';
    };
    await expect(checkDeterministic({ mode: 'exactly-once', seed: 2, handler: drawsRandom, effects: ['ledger'] })).rejects.toThrow(/: text "put ledger\[k\d\] = 0\.\d+" the first time, "put ledger\[k\d\] = 0\.\d+" the second/);
    await expect(checkDeterministic({ mode: 'at-least-once', seed: 4, faults: 'chaos', handler: naive, effects: ['ledger'] })).resolves.toBeUndefined();
  });

  it('searches the handler\'s own invariants too (promised in every mode), shrinks a break of one, and replays it with them', async () => {
    // A naive increment under at-least-once: duplicates are allowed by the mode, but this team promises a ledger that
    // counts each message once.
    const invariants = {
      ledgerCountsEachMessageOnce: (db: { keys(table: string): string[]; get(table: string, key: string): unknown }, workload: readonly unknown[]) => {
        const counted = db.keys('ledger').reduce((total, key) => total + Number(db.get('ledger', key)), 0);
        return { holds: counted <= workload.length, witnesses: counted <= workload.length ? [] : [`${counted} counted for ${workload.length} messages`] };
      },
    };
    const world = { mode: 'at-least-once' as const, seed: 1, workload: { messages: 6 } };
    const outcome = await checkHandler({ ...world, runs: 200, handler: naive, effects: ['ledger'], invariants });
    expect(Object.keys(outcome.plansTried)).toEqual(['loss', 'duplicates', 'order', 'liveness', 'ledgerCountsEachMessageOnce']);
    expect(outcome.verdict).toBe('violated');
    const own = outcome.findings.find((finding) => finding.invariant === 'ledgerCountsEachMessageOnce');
    expect(own).toMatchObject({ promised: true });
    expect(own?.plan.faults).toHaveLength(1);
    expect(own?.result.handlerInvariants.ledgerCountsEachMessageOnce.holds).toBe(false);
    expect(own?.replay).toMatch(/handler, effects: \["ledger"\], invariants \}\)$/);
    const replayed = await simulate({ ...world, faults: own?.plan, handler: naive, effects: ['ledger'], invariants });
    expect(replayed.handlerInvariants.ledgerCountsEachMessageOnce.holds).toBe(false);
    expect(replayed.traceHash()).toBe(own?.result.traceHash());
    // Only that one, by name; a name neither built in nor the handler's is refused, listing both kinds.
    const only = await checkHandler({ ...world, runs: 100, invariant: 'ledgerCountsEachMessageOnce', handler: naive, effects: ['ledger'], invariants });
    expect(Object.keys(only.plansTried)).toEqual(['ledgerCountsEachMessageOnce']);
    await expect(checkHandler({ ...world, invariant: 'ledgerCount', handler: naive, effects: ['ledger'], invariants })).rejects.toThrow(/invalid invariant.*loss, duplicates, order, liveness, ledgerCountsEachMessageOnce/);
  });
});

describe("a loss a handler made itself is told in the handler's words", () => {
  it('ack without writing to an effects table, and skip, each name what the handler did', async () => {
    const wrongTable: Handler = async (record, db) => {
      await db.increment('audit', record.key, 1);
    };
    const lost = await run(wrongTable, 'at-least-once', 'none');
    expect(lost.invariants.loss.count).toBe(12);
    const story = explainInvariant(lost, 'loss')[0];
    expect(story.mechanism).toBe('the handler returned ack without an effect');
    expect(story.text).toMatch(/the handler returned ack for it after increment audit\[k\d\] by 1, none of them a write to its effects tables \(delivery 1, t=[\d.]+ ms\), so the consumer moved on past it/);
  });

  it('skip, dead-letter, retry and a throw are told as what the handler did, not as an injected processing error', async () => {
    const choosing: Handler = async (record, db) => {
      if (record.id === 'm2') return 'skip';
      if (record.id === 'm3') return 'dead-letter';
      if (record.id === 'm4') return 'retry';
      if (record.id === 'm5') throw new TypeError('no such column');
      await db.increment('ledger', record.key, 1);
      return 'ack';
    };
    const result = await run(choosing, 'at-least-once', 'none');
    const skipped = explainInvariant(result, 'loss').find((item) => item.msg === 'm2');
    expect(skipped?.mechanism).toBe('the handler returned skip');
    expect(skipped?.text).toMatch(/the handler returned skip for it \(delivery 1, t=[\d.]+ ms\), so the consumer let it go/);
    const parked = new Map(result.parked.witnesses.map((witness) => [witness.msg, parkedStory(new TraceFacts(result).scoped(witness.group), witness.msg)]));
    expect([...parked.keys()]).toEqual(['m3', 'm4', 'm5']);
    expect(parked.get('m3')?.mechanism).toBe('the handler returned dead-letter');
    expect(parked.get('m3')?.text).toContain('the handler returned dead-letter for it (delivery 1, ');
    expect(parked.get('m3')?.text).not.toContain('processing-retries');
    expect(parked.get('m4')?.text).toContain('the handler returned retry (4 deliveries, ');
    expect(parked.get('m5')?.text).toContain('the handler threw "no such column" (4 deliveries, ');
  });
});
