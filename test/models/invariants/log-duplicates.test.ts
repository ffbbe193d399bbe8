/** Log duplicates: messages a partition log holds more than once at the end, on hand-written copies and on runs. */
import { describe, expect, it } from 'vitest';
import { checkLogDuplicates } from '../../../models/invariants/index.js';
import { runPlan, workloadOnKeys } from '../../helpers/model-run.js';

describe('checkLogDuplicates', () => {
  const workload = workloadOnKeys(['k1', 'k2', 'k1']);

  it('counts the messages held more than once, with a witness naming their offsets', () => {
    const result = checkLogDuplicates(workload, [], [
      { msgId: 'm1', partition: 0, offsets: [0] },
      { msgId: 'm2', partition: 0, offsets: [1, 3] },
    ]);
    expect(result.count).toBe(1);
    expect(result.witnesses.map((witness) => witness.summary)).toEqual(["m2 (key k2) is in partition 0's log 2 times (offsets 1, 3)"]);
  });

  it('is empty when every message is in the log once', () => {
    expect(checkLogDuplicates(workload, [], [])).toEqual({ count: 0, witnesses: [] });
  });
});

describe('stats.logDuplicates on runs', () => {
  const lostAck = [{ kind: 'ack-lost', message: 'm3', attempt: 1 }] as const;

  it('a lost ack and a retry without idempotence: m3 is in the log twice, whether or not the DB applied it twice', () => {
    const result = runPlan('at-least-once', [...lostAck]);
    expect(result.stats.logDuplicates.count).toBe(1);
    expect(result.stats.logDuplicates.witnesses[0].msg).toBe('m3');
    expect(result.stats.logDuplicates.witnesses[0].records.some((record) => record.kind === 'append')).toBe(true);
    // The exactly-once consumer dedups the effect, yet its log would still hold m3 twice without idempotence.
    const deduped = runPlan('exactly-once', [...lostAck], { settings: { enableIdempotence: false } });
    expect(deduped.invariants.duplicates.count).toBe(0);
    expect(deduped.stats.logDuplicates.count).toBe(1);
  });

  it('the idempotent producer keeps the log free of duplicates', () => {
    expect(runPlan('exactly-once', [...lostAck]).stats.logDuplicates).toEqual({ count: 0, witnesses: [] });
  });
});
