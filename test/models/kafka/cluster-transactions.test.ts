/**
 * Kafka transactions over a broker cluster (--nodes N --transactions true): the transaction coordinator on the
 * controller, markers into each partition's index at its leader's end (deferred while it has no leader, with
 * CONCURRENT_TRANSACTIONS for the next transaction meanwhile), produce requests routed to partition leaders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_PRESETS, faultPlanArb, resolveConfig, runPlan, simulate } from '../../../index.js';
import { FC_SEED } from '../../properties/fc-config.js';
import type { DeliverySettings, Fault, ModeName, SimulationResult } from '../../../index.js';
import { recordsOf } from '../../helpers/model-run.js';

const TRANSACTIONAL: Partial<DeliverySettings> = { transactions: true, enableIdempotence: true, nodes: 3 };
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

function run(mode: ModeName, seed: number, faults: Fault[] | typeof FAULT_PRESETS.chaos, settings: Partial<DeliverySettings> = {}, messages = 24): SimulationResult {
  return simulate({ mode, seed, faults: Array.isArray(faults) ? { version: 1, faults } : faults, settings: { ...TRANSACTIONAL, ...settings }, workload: { messages } });
}

const RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
const TAG = `(fc seed ${FC_SEED}, ${RUNS} runs)`;
const WORKLOAD = { messages: 9, keys: 3, partitions: 2 };

describe('transactions over a broker cluster', () => {
  it(`read_committed never shows an aborted record nor a record twice, whatever plan of broker and transaction faults ${TAG}`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), faultPlanArb({ transactions: true, nodes: 3, workload: WORKLOAD, maxFaults: 5 }), (seed, plan) => {
        const result = runPlan(resolveConfig({ mode: 'exactly-once', seed, settings: { ...TRANSACTIONAL, isolationLevel: 'read_committed' }, workload: WORKLOAD }), plan);
        expect(result.stats.abortedApplied, `seed ${seed}`).toBe(0);
        expect(result.stats.transactions?.committedDuplicates, `seed ${seed}`).toBe(0);
        expect(result.verdict, `seed ${seed}`).toBe('ok');
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it('exactly-once with read_committed holds under chaos, through broker crashes, cut-off leaders and aborts', () => {
    let aborted = 0;
    let failovers = 0;
    for (const seed of range(1, 60)) {
      const result = run('exactly-once', seed, FAULT_PRESETS.chaos, { isolationLevel: 'read_committed' });
      const where = `seed ${seed}`;
      expect(result.outcome, where).toEqual({ kind: 'quiescent' });
      expect(result.verdict, where).toBe('ok');
      expect(result.stats.abortedApplied, where).toBe(0);
      expect(result.stats.transactions?.committedDuplicates, where).toBe(0);
      expect(result.stats.transactions?.committed, where).toBeGreaterThan(0);
      aborted += result.stats.transactions?.aborted ?? 0;
      failovers += recordsOf(result, 'leader-chosen').length;
    }
    // Not vacuous: transactions aborted and leaders changed in these seeds.
    expect(aborted).toBeGreaterThan(10);
    expect(failovers).toBeGreaterThan(60);
  });

  it("a deposed leader's transactional append: one that survives gets its transaction's marker, one held past the transaction's end is refused (INVALID_TXN_STATE)", () => {
    // Seeds where a leader the controller had replaced appended a record its followers copied before they heard of
    // the new leader: its partition must join the transaction, or the next transaction's COMMIT committed it too.
    for (const seed of [67, 90, 225, 232, 263, 278]) {
      const result = simulate({ mode: 'exactly-once', seed, faults: FAULT_PRESETS.chaos, settings: { transactions: true, enableIdempotence: true, nodes: 3, isolationLevel: 'read_committed' }, workload: { partitions: 4 } });
      expect(result.stats.transactions?.committedDuplicates, `seed ${seed}`).toBe(0);
      expect(result.verdict, `seed ${seed}`).toBe('ok');
    }
    // m1's first request held 29 ms while B1, its leader, was cut off from the controller: the retry committed on the
    // new leader, then the held request reached B1, which refused it instead of opening a transaction nobody would end.
    const held = simulate({
      mode: 'exactly-once',
      seed: 25,
      workload: { messages: 3, keys: 2, partitions: 1, produceIntervalMs: 0.1, burst: 1 },
      settings: { nodes: 3, transactions: true },
      faults: { version: 1, faults: [{ kind: 'request-delayed', message: 'm1', attempt: 1, delayMs: 29 }, { kind: 'controller-partition', broker: 'B1', message: 'm2', durationMs: 28 }] },
    });
    expect(held.outcome).toEqual({ kind: 'quiescent' });
    const refused = recordsOf(held, 'produce-refused').filter((record) => record.error === 'INVALID_TXN_STATE');
    expect(refused.map((record) => [record.actor, record.msg, record.attempt])).toEqual([['B1', 'm1', 1]]);
    const committed = recordsOf(held, 'txn-committed')[0];
    expect(refused[0].t).toBeGreaterThan(committed.t);
  });

  it('read_uncommitted applies records of aborted transactions (at-least-once allows the duplicates)', () => {
    const results = range(1, 12).map((seed) => run('at-least-once', seed, FAULT_PRESETS.chaos, { isolationLevel: 'read_uncommitted' }));
    expect(results.some((result) => result.stats.abortedApplied > 0)).toBe(true);
    for (const result of results) expect(result.invariants.loss.count).toBe(0);
  });

  it('a zombie is fenced by the coordinator on the controller', () => {
    const result = run('exactly-once', 1, [{ kind: 'zombie-producer', message: 'm3' }], { isolationLevel: 'read_committed' });
    expect(result.unusedPlanFaults).toEqual([]);
    expect(recordsOf(result, 'producer-id-initialized').map((record) => [record.actor, record.epoch])).toEqual([
      ['CTL', 0],
      ['CTL', 1],
    ]);
    expect(recordsOf(result, 'end-txn-refused')).toMatchObject([{ actor: 'CTL', epoch: 0, currentEpoch: 1, error: 'PRODUCER_FENCED' }]);
    expect(result.verdict).toBe('ok');
  });

  it('produce requests go to the partition leaders, and the coordinator calls to the controller', () => {
    const result = run('exactly-once', 3, FAULT_PRESETS.none, { isolationLevel: 'read_committed' });
    const appenders = new Set(recordsOf(result, 'append').map((record) => record.actor));
    expect([...appenders].every((actor) => /^B\d$/.test(actor))).toBe(true);
    expect(recordsOf(result, 'txn-marker').every((record) => record.actor === 'CTL')).toBe(true);
    expect(result.stats.transactions).toMatchObject({ committed: 8, aborted: 0, committedDuplicates: 0 });
  });

  it("a partition without a leader gets its markers once it has one; the next transaction waits for them (CONCURRENT_TRANSACTIONS)", () => {
    // A rare window (6 of 400 seeds of 40 messages when written: seeds 22, 35 and 67 among these).
    let reached = 0;
    for (const seed of range(1, 70)) {
      const result = run('exactly-once', seed, FAULT_PRESETS.chaos, { isolationLevel: 'read_committed' }, 40);
      const refused = recordsOf(result, 'produce-refused').filter((record) => record.error === 'CONCURRENT_TRANSACTIONS');
      if (refused.length === 0) continue;
      reached++;
      const where = `seed ${seed}`;
      for (const refusal of refused) {
        // The marker the request waited for is written later, by the controller, once the partition has a leader again.
        const marker = recordsOf(result, 'txn-marker').find((record) => record.partition === refusal.partition && record.t > refusal.t);
        expect(marker, where).toBeDefined();
        const chosen = recordsOf(result, 'leader-chosen').filter((record) => record.partition === refusal.partition && record.t <= (marker?.t ?? 0));
        expect(chosen.at(-1)?.broker, where).toBeDefined();
      }
      expect(result.verdict, where).toBe('ok');
    }
    expect(reached).toBeGreaterThan(0);
  });
});
