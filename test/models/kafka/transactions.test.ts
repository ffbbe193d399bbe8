/**
 * Kafka transactions: the two results the simulator must show, as properties over seeds and fault plans
 * (read_committed never shows an aborted record and read_uncommitted does; broker transactions plus a
 * non-idempotent DB sink duplicate), zombie fencing, the other commit windows, determinism, replay of what a
 * rate-driven run injected, and the search shrinking to one fault of each kind that can break something.
 * Seeds are pinned (FC_SEED / FC_NUM_RUNS override them) and printed in the titles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, FAULT_PRESETS, breaks, faultPlanArb, parsePlan, resolveConfig, runPlan, simulate } from '../../../index.js';
import type { DeliverySettings, Fault, FaultPlan, FaultRates, InvariantName, ModeName, SimulationResult } from '../../../index.js';
import { FC_SEED } from '../../properties/fc-config.js';
import { recordsOf } from '../../helpers/model-run.js';

const RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
const TAG = `(fc seed ${FC_SEED}, ${RUNS} runs)`;
const WORKLOAD = { messages: 6, keys: 2, partitions: 2 };
const TRANSACTIONAL: Partial<DeliverySettings> = { transactions: true, enableIdempotence: true, acks: 'all', retries: 100 };

function run(mode: ModeName, seed: number, faults: Fault[] | string | FaultRates, settings: Partial<DeliverySettings> = {}): SimulationResult {
  return simulate({ mode, seed, faults: Array.isArray(faults) ? { version: 1, faults } : faults, settings: { ...TRANSACTIONAL, ...settings }, workload: WORKLOAD });
}

const messageArb = fc.integer({ min: 1, max: WORKLOAD.messages }).map((index) => `m${index}`);
const seedArb = fc.integer({ min: 1, max: 100_000 });

describe('isolation.level', () => {
  it(`read_committed never shows an aborted record, whatever the faults ${TAG}`, () => {
    fc.assert(
      fc.property(seedArb, faultPlanArb({ transactions: true, workload: WORKLOAD, maxFaults: 5 }), (seed, plan) => {
        const result = runPlan(resolveConfig({ mode: 'at-least-once', seed, settings: { ...TRANSACTIONAL, isolationLevel: 'read_committed' }, workload: WORKLOAD }), plan);
        expect(result.stats.abortedApplied, `seed ${seed}`).toBe(0);
        expect(result.stats.transactions?.committedDuplicates, `seed ${seed}`).toBe(0);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it(`read_uncommitted applies the records of an aborted transaction ${TAG}`, () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, message) => {
        const result = run('at-least-once', seed, [{ kind: 'transaction-abort', message }], { isolationLevel: 'read_uncommitted' });
        expect(result.unusedPlanFaults).toEqual([]);
        expect(result.stats.abortedApplied, `seed ${seed}`).toBeGreaterThan(0);
        expect(recordsOf(result, 'txn-aborted').map((record) => record.reason)).toEqual(['application']);
        // The aborted copies are applied and the rewritten ones too: duplicates in the DB, none in the committed output.
        expect(result.invariants.duplicates.count).toBeGreaterThan(0);
        expect(result.stats.transactions?.committedDuplicates).toBe(0);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it('the same abort under read_committed: the consumer skips the aborted offsets and applies every record once', () => {
    const result = run('at-least-once', 3, [{ kind: 'transaction-abort', message: 'm2' }], { isolationLevel: 'read_committed' });
    expect(result.stats.abortedApplied).toBe(0);
    expect(result.invariants.duplicates.count).toBe(0);
    expect(result.invariants.loss.count).toBe(0);
    expect(recordsOf(result, 'txn-marker').some((record) => record.marker === 'ABORT')).toBe(true);
  });
});

describe('exactly-once inside Kafka, not across a DB boundary', () => {
  it(`broker transactions plus a non-idempotent DB sink duplicate ${TAG}`, () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, message) => {
        const sink = { isolationLevel: 'read_committed', commit: 'after-process', dedup: 'none' } as const;
        const result = run('exactly-once', seed, [{ kind: 'consumer-crash', message, delivery: 1, point: 'after-db-commit' }], sink);
        expect(result.unusedPlanFaults).toEqual([]);
        expect(result.stats.transactions?.committedDuplicates, `seed ${seed}: inside Kafka`).toBe(0);
        expect(result.invariants.duplicates.count, `seed ${seed}: across the DB`).toBeGreaterThan(0);
        expect(result.verdict).toBe('violated');
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it(`with the sink idempotent (offsets and dedup key in the DB transaction) exactly-once holds end to end ${TAG}`, () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const result = run('exactly-once', seed, 'chaos', { isolationLevel: 'read_committed' });
        expect(result.verdict, `seed ${seed}`).toBe('ok');
        expect(result.outcome).toEqual({ kind: 'quiescent' });
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });
});

describe('the commit windows', () => {
  it('a zombie: the new instance bumps the epoch and aborts the open transaction; the zombie is fenced', () => {
    for (const seed of [1, 2, 3, 4]) {
      const result = run('exactly-once', seed, [{ kind: 'zombie-producer', message: 'm3' }], { isolationLevel: 'read_committed' });
      expect(result.unusedPlanFaults).toEqual([]);
      const inits = recordsOf(result, 'producer-id-initialized');
      expect(inits.map((record) => record.epoch)).toEqual([0, 1]);
      expect(inits[1].abortedOpen).toBe(true);
      expect(recordsOf(result, 'end-txn-refused')).toMatchObject([{ epoch: 0, currentEpoch: 1, error: 'PRODUCER_FENCED' }]);
      expect(recordsOf(result, 'producer-fenced')).toMatchObject([{ epoch: 0, call: 'end-txn' }]);
      expect(result.stats.transactions).toMatchObject({ aborted: 1, committedDuplicates: 0 });
      expect(result.verdict).toBe('ok');
    }
  });

  it('a crash before EndTxn: the restarted stage aborts the open transaction at initTransactions and writes it again', () => {
    const result = run('at-least-once', 2, [{ kind: 'producer-crash', message: 'm3', point: 'before-commit' }], { isolationLevel: 'read_committed' });
    expect(result.unusedPlanFaults).toEqual([]);
    expect(recordsOf(result, 'producer-id-initialized').map((record) => [record.epoch, record.abortedOpen, record.inputOffset])).toEqual([
      [0, false, 0],
      [1, true, 0],
    ]);
    expect(result.invariants.duplicates.count).toBe(0);
    expect(result.stats.transactions?.committedDuplicates).toBe(0);
  });

  it('a lost EndTxn answer is retried and answered again without a second commit; a coordinator failover completes the prepared commit', () => {
    for (const fault of [{ kind: 'end-txn-response-lost', message: 'm3' }, { kind: 'transaction-coordinator-failover', message: 'm3' }] as const) {
      const result = run('exactly-once', 1, [fault], { isolationLevel: 'read_committed' });
      expect(result.unusedPlanFaults, fault.kind).toEqual([]);
      expect(recordsOf(result, 'end-txn-sent').filter((record) => record.txn === 1).length, fault.kind).toBeGreaterThan(1);
      expect(recordsOf(result, 'txn-completed').filter((record) => record.txn === 1).map((record) => record.marker), fault.kind).toEqual(['COMMIT']);
      expect(result.verdict).toBe('ok');
    }
  });
});

describe('determinism and replay', () => {
  it('the same seed and config give the same trace; the injected plan replays it exactly', () => {
    // Chaos with the transaction windows struck often, so every seed reaches some.
    const rates: FaultRates = { ...FAULT_PRESETS.chaos, transaction: 0.3, 'producer-crash': 0.1 };
    for (const seed of [5, 6, 7]) {
      const first = run('at-least-once', seed, rates, { isolationLevel: 'read_uncommitted' });
      const second = run('at-least-once', seed, rates, { isolationLevel: 'read_uncommitted' });
      expect(second.traceHash()).toBe(first.traceHash());
      expect(first.injected.faults.some((fault) => ['transaction-abort', 'zombie-producer', 'end-txn-response-lost', 'transaction-coordinator-failover'].includes(fault.kind) || (fault.kind === 'producer-crash' && fault.point.endsWith('commit'))), `seed ${seed}: chaos reaches a transaction window`).toBe(true);
      const replay = runPlan(first.config, parsePlan(JSON.parse(JSON.stringify(first.injected)) as FaultPlan));
      expect(replay.traceHash(), `seed ${seed}`).toBe(first.traceHash());
    }
  });
});

describe('the search shrinks to one fault of each kind that breaks something', () => {
  const cases: [Fault['kind'], InvariantName, Partial<DeliverySettings>, string | undefined][] = [
    ['transaction-abort', 'duplicates', { isolationLevel: 'read_uncommitted' }, undefined],
    ['producer-crash', 'duplicates', { isolationLevel: 'read_uncommitted' }, 'before-commit'],
    ['zombie-producer', 'duplicates', { isolationLevel: 'read_uncommitted' }, undefined],
  ];
  for (const [kind, invariant, settings, point] of cases) {
    it(`${kind}${point === undefined ? '' : ` ${point}`} breaks ${invariant} under read_uncommitted ${TAG}`, () => {
      const config = resolveConfig({ mode: 'at-least-once', seed: 1, settings: { ...TRANSACTIONAL, ...settings }, workload: WORKLOAD });
      const plans = faultPlanArb({ transactions: true, workload: WORKLOAD, kinds: [kind, 'request-lost'], maxFaults: 3, ...(point !== undefined ? { producerCrashPoints: [point as 'before-commit'] } : {}) });
      const details = fc.check(
        fc.property(plans, (plan) => !breaks(runPlan(config, plan), invariant)),
        { seed: FC_SEED, numRuns: 500 },
      );
      expect(details.failed).toBe(true);
      const shrunk = details.counterexample?.[0].faults ?? [];
      expect(shrunk).toHaveLength(1);
      expect(shrunk[0].kind).toBe(kind);
    });
  }

  it(`a lost EndTxn answer and a coordinator failover break nothing, even under read_uncommitted ${TAG}`, () => {
    const config = resolveConfig({ mode: 'exactly-once', seed: 1, settings: { ...TRANSACTIONAL, isolationLevel: 'read_uncommitted' }, workload: WORKLOAD });
    const plans = faultPlanArb({ transactions: true, workload: WORKLOAD, kinds: ['end-txn-response-lost', 'transaction-coordinator-failover'], maxFaults: 4 });
    fc.assert(
      fc.property(plans, (plan) => {
        const result = runPlan(config, plan);
        expect(result.verdict).toBe('ok');
        expect(result.stats.abortedApplied).toBe(0);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });
});

describe('bad inputs', () => {
  it('refuses a transactional producer without idempotence, with Kafka\'s reason', () => {
    expect(() => resolveConfig({ mode: 'at-least-once', seed: 1, settings: { transactions: true } })).toThrow(ConfigError);
    expect(() => resolveConfig({ mode: 'at-least-once', seed: 1, settings: { transactions: true } })).toThrow(/cannot set a transactional.id without also enabling idempotence/i);
    // at-most-once's acks=0 (and retries=0) are refused for the idempotent producer a transaction needs.
    expect(() => resolveConfig({ mode: 'at-most-once', seed: 1, settings: { transactions: true, enableIdempotence: true } })).toThrow(/acks|retries/);
  });

  it('refuses bad isolation levels, transaction sizes and transaction fault fields', () => {
    expect(() => resolveConfig({ mode: 'exactly-once', seed: 1, settings: { isolationLevel: 'read-committed' as never } })).toThrow(/isolationLevel/);
    expect(() => resolveConfig({ mode: 'exactly-once', seed: 1, settings: { transactionMessages: 0 } })).toThrow(/transactionMessages/);
    expect(() => parsePlan({ version: 1, faults: [{ kind: 'producer-crash', message: 'm3', point: 'before-comit' }] })).toThrow(/point/);
    expect(() => parsePlan({ version: 1, faults: [{ kind: 'zombie-producer', message: 3 }] })).toThrow(/message/);
    expect(() => parsePlan({ version: 1, faults: [{ kind: 'transaction-abort' }] })).toThrow(/message/);
  });
});
