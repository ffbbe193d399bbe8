/**
 * One test per delivery mechanism: an explicit fault plan forces its window, and the test checks both the
 * invariant counts and the trace records that show the mechanism at work. Each runs over a few seeds (the
 * plan names its fault in domain terms, so it hits the same window whatever the timing) and checks that
 * the planned fault really matched a decision point.
 */
import { describe, expect, it } from 'vitest';
import type { ModeName } from '../../../models/config.js';
import type { Fault } from '../../../models/faults/catalog.js';
import type { SimulationResult } from '../../../models/engine.js';
import { appliedCount, counts, recordsOf, runPlan } from '../../helpers/model-run.js';
import type { PlanRun } from '../../helpers/model-run.js';

const SEEDS = [1, 2, 3, 4];

/** Run the plan for every seed; every planned fault must have hit something. */
function forSeeds(mode: ModeName, faults: Fault[], options: PlanRun, check: (result: SimulationResult, seed: number) => void): void {
  for (const seed of SEEDS) {
    const result = runPlan(mode, faults, { ...options, seed });
    expect(result.unusedPlanFaults, `seed ${seed}: plan fault never matched`).toEqual([]);
    expect(result.outcome, `seed ${seed}`).toEqual({ kind: 'quiescent' });
    check(result, seed);
  }
}

describe('ack lost after the append', () => {
  const plan: Fault[] = [{ kind: 'ack-lost', message: 'm3', attempt: 1 }];

  it('without idempotence the retry appends m3 again: a duplicate in the log and in the DB', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      const appends = recordsOf(result, 'append', 'm3');
      expect(appends.map((record) => record.attempt)).toEqual([1, 2]);
      expect(appends[1].offset).not.toBe(appends[0].offset);
      expect(recordsOf(result, 'request-timeout', 'm3')).toHaveLength(1);
      expect(appliedCount(result, 'm3')).toBe(2);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 1 });
      expect(result.invariants.duplicates.status).toBe('broken, as expected');
      expect(result.invariants.duplicates.witnesses[0].msg).toBe('m3');
    });
  });

  it('with the idempotent producer the broker drops the retry by its sequence number', () => {
    for (const mode of ['exactly-once', 'at-least-once'] as const) {
      forSeeds(mode, plan, { settings: { enableIdempotence: true } }, (result) => {
        expect(recordsOf(result, 'append', 'm3').map((record) => record.attempt)).toEqual([1]);
        const dropped = recordsOf(result, 'duplicate-dropped', 'm3');
        expect(dropped).toHaveLength(1);
        // The broker answers the retry with the original offset.
        expect(dropped[0].offset).toBe(recordsOf(result, 'append', 'm3')[0].offset);
        expect(appliedCount(result, 'm3')).toBe(1);
        expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
      });
    }
  });
});

describe('consumer crash between the DB commit and the offset commit', () => {
  const plan: Fault[] = [{ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }];

  it('commit after processing: the restarted consumer gets m3 again and applies it twice', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      expect(recordsOf(result, 'deliver', 'm3').map((record) => record.delivery)).toEqual([1, 2]);
      expect(recordsOf(result, 'db-commit', 'm3')).toHaveLength(2);
      const crash = result.trace.findIndex((record) => record.actor === 'g1/c1' && record.kind === 'crash');
      expect(result.trace.indexOf(recordsOf(result, 'db-commit', 'm3')[0])).toBeLessThan(crash);
      expect(counts(result).loss).toBe(0);
      // m3, and any record of its batch processed before it: applied before the crash, never committed.
      const duplicated = result.invariants.duplicates.witnesses.map((witness) => witness.msg);
      expect(duplicated).toContain('m3');
      for (const msg of duplicated) expect(result.trace.indexOf(recordsOf(result, 'db-commit', msg)[0])).toBeLessThan(crash);
    });
  });

  it('offset stored in the DB transaction: the consumer resumes from the DB and never sees m3 again', () => {
    for (const mode of ['exactly-once', 'at-least-once'] as const) {
      forSeeds(mode, plan, { settings: { commit: 'with-db-transaction' } }, (result) => {
        expect(recordsOf(result, 'deliver', 'm3')).toHaveLength(1);
        expect(recordsOf(result, 'db-commit', 'm3')[0].storedOffset).toBe((recordsOf(result, 'db-commit', 'm3')[0].offset) + 1);
        const resumed = recordsOf(result, 'resumed');
        expect(resumed).toHaveLength(2);
        expect(resumed.every((record) => record.from === 'db')).toBe(true);
        expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
      });
    }
  });
});

describe('produce request lost', () => {
  const plan: Fault[] = [{ kind: 'request-lost', message: 'm3', attempt: 1 }];

  it('acks=0: the producer never learns of it and never retries; m3 is lost', () => {
    forSeeds('at-most-once', plan, {}, (result) => {
      expect(recordsOf(result, 'send', 'm3').map((record) => record.attempt)).toEqual([1]);
      expect(recordsOf(result, 'append', 'm3')).toEqual([]);
      expect(counts(result)).toMatchObject({ loss: 1, duplicates: 0 });
      expect(result.invariants.loss.witnesses[0].msg).toBe('m3');
      // It was not acknowledged by the broker: a plain loss, not an acknowledged one.
      expect(result.invariants.loss.acknowledgedCount).toBe(0);
    });
  });

  it('acks=all: the request times out, is retried and stored; nothing is lost', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      expect(recordsOf(result, 'request-timeout', 'm3').map((record) => record.attempt)).toEqual([1]);
      expect(recordsOf(result, 'append', 'm3').map((record) => record.attempt)).toEqual([2]);
      expect(recordsOf(result, 'acked', 'm3')).toHaveLength(1);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });
});

describe('offset committed before processing, then a crash', () => {
  const plan: Fault[] = [{ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-fetch' }];

  it('the committed offset already covers m3, so the restarted consumer skips it: loss', () => {
    forSeeds('at-most-once', plan, {}, (result) => {
      const m3Offset = recordsOf(result, 'append', 'm3')[0].offset;
      const crashAt = result.trace.findIndex((record) => record.actor === 'g1/c1' && record.kind === 'crash');
      const committed = result.trace.slice(0, crashAt).filter((record) => record.kind === 'offset-committed').map((record) => record.offset);
      const committedAtCrash = Math.max(...committed);
      expect(committedAtCrash).toBeGreaterThan(m3Offset);
      const resumed = recordsOf(result, 'resumed');
      expect((resumed[1].positions as number[])[0]).toBe(committedAtCrash);
      expect(recordsOf(result, 'deliver', 'm3')).toHaveLength(1);
      expect(recordsOf(result, 'db-commit', 'm3')).toEqual([]);
      // Lost: m3 and whatever else of its batch the early commit covered.
      expect(counts(result)).toMatchObject({ loss: committedAtCrash - m3Offset, duplicates: 0 });
      expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toContain('m3');
      expect(result.verdict).toBe('ok');
    });
  });

  it('is a VIOLATED loss when at-least-once is misconfigured to commit first', () => {
    forSeeds('at-least-once', plan, { settings: { commit: 'before-process' } }, (result) => {
      expect(counts(result).loss).toBe(1);
      expect(result.invariants.loss.status).toBe('VIOLATED');
      expect(result.verdict).toBe('violated');
    });
  });

  it('commit after processing instead re-delivers m3: no loss', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      expect(recordsOf(result, 'deliver', 'm3').map((record) => record.delivery)).toEqual([1, 2]);
      expect(counts(result).loss).toBe(0);
    });
  });
});

describe('leader failover right after the leader appended m3', () => {
  const plan: Fault[] = [{ kind: 'leader-failover', message: 'm3' }];

  it('acks=1: the producer was told "stored", the new leader never had m3: acknowledged loss', () => {
    forSeeds('at-least-once', plan, { settings: { acks: 1 } }, (result) => {
      expect(recordsOf(result, 'acked', 'm3')).toHaveLength(1);
      expect(recordsOf(result, 'leader-failed')).toHaveLength(1);
      expect(recordsOf(result, 'truncated').some((record) => (record.msgs as string[]).includes('m3'))).toBe(true);
      expect(result.brokerAcked).toContain('m3');
      expect(counts(result).loss).toBe(1);
      expect(result.invariants.loss.acknowledgedCount).toBe(1);
      expect(result.invariants.loss.status).toBe('VIOLATED');
    });
  });

  it('acks=all with min.insync.replicas=2: the ack waits for a copy; the failover leaves m3 unanswered and it is retried', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      const failed = recordsOf(result, 'leader-failed');
      expect(failed[0].unansweredMsgs).toEqual(['m3']);
      // The first (unreplicated) append was never acknowledged; the retry was.
      expect(recordsOf(result, 'acked', 'm3').map((record) => record.attempt)).not.toContain(1);
      expect(recordsOf(result, 'append', 'm3').length).toBeGreaterThanOrEqual(2);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });
});

describe('auto-commit with slow processing, then a crash mid-batch', () => {
  const plan: Fault[] = [{ kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'mid-process' }];
  const settings = { commit: 'auto', autoCommitIntervalMs: 2, processingMs: 6, maxPollRecords: 5 } as const;

  it("librdkafka's background commit moved past records not yet processed: they are lost", () => {
    forSeeds('at-least-once', plan, { settings: { ...settings, autoCommitStyle: 'background' } }, (result) => {
      const crashAt = result.trace.findIndex((record) => record.actor === 'g1/c1' && record.kind === 'crash');
      const autoCommits = result.trace.slice(0, crashAt).filter((record) => record.kind === 'auto-commit-sent');
      expect(autoCommits.length).toBeGreaterThan(0);
      const m2Offset = recordsOf(result, 'append', 'm2')[0].offset;
      expect(Math.max(...autoCommits.map((record) => record.offset))).toBeGreaterThan(m2Offset + 1);
      expect(recordsOf(result, 'db-commit', 'm2')).toEqual([]);
      expect(counts(result).loss).toBeGreaterThanOrEqual(2);
      expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toContain('m2');
      expect(result.invariants.loss.status).toBe('VIOLATED');
    });
  });

  it("the Java client's commit inside poll() covers only processed records: the crash redelivers m2, nothing is lost", () => {
    forSeeds('at-least-once', plan, { settings }, (result) => {
      const autoCommits = recordsOf(result, 'auto-commit-sent');
      expect(autoCommits.length).toBeGreaterThan(0);
      for (const commit of autoCommits) {
        // Every record below the committed offset had its effect committed before the commit was sent.
        const covered = recordsOf(result, 'append').filter((record) => record.partition === commit.partition && record.offset < commit.offset);
        for (const record of covered) expect(recordsOf(result, 'db-commit', record.msg).some((effect) => effect.t <= commit.t), `${record.msg} before the commit at ${commit.t}`).toBe(true);
      }
      expect(recordsOf(result, 'fetched').filter((record) => record.msgs.includes('m2')).length).toBeGreaterThanOrEqual(2);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });

  it('the same slow consumer committing after processing loses nothing', () => {
    forSeeds('at-least-once', plan, { settings: { ...settings, commit: 'after-process' } }, (result) => {
      expect(recordsOf(result, 'auto-commit-sent')).toEqual([]);
      expect(counts(result).loss).toBe(0);
    });
  });
});

describe('retries with several requests in flight', () => {
  const plan: Fault[] = [{ kind: 'request-lost', message: 'm1', attempt: 1 }];
  const workload = { messages: 4, keys: 1, partitions: 1, produceIntervalMs: 0.1 };

  it('without idempotence, m2..m4 land first and m1\'s retry after them: the key is reordered', () => {
    forSeeds('at-least-once', plan, { workload }, (result) => {
      const appends = recordsOf(result, 'append');
      expect(appends.map((record) => record.msg)).toEqual(['m2', 'm3', 'm4', 'm1']);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0, order: 1 });
      expect(result.invariants.order.witnesses[0].msg).toBe('m1');
    });
  });

  it('with idempotence the broker refuses the out-of-order sequences until m1 is in: order kept', () => {
    forSeeds('exactly-once', plan, { workload }, (result) => {
      const refused = recordsOf(result, 'produce-refused');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((record) => record.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
      expect(recordsOf(result, 'append').map((record) => record.msg)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0, order: 0 });
    });
  });

  it('with one request in flight, nothing overtakes m1 either', () => {
    forSeeds('at-least-once', plan, { workload, settings: { maxInFlight: 1 } }, (result) => {
      expect(recordsOf(result, 'append').map((record) => record.msg)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(counts(result).order).toBe(0);
    });
  });
});

describe('producer crash right after the hand-over of m3', () => {
  const plan: Fault[] = [{ kind: 'producer-crash', message: 'm3', point: 'after-handover' }];

  it('with an in-memory buffer m3 dies with the producer: loss', () => {
    forSeeds('at-least-once', plan, { settings: { producerBuffer: 'memory' } }, (result) => {
      const bufferLost = recordsOf(result, 'buffer-lost');
      expect(bufferLost).toHaveLength(1);
      expect(bufferLost[0].msgs).toContain('m3');
      expect(recordsOf(result, 'send', 'm3')).toEqual([]);
      // m3 never left the producer; an unacknowledged request already on the wire may still have landed.
      const lost = result.invariants.loss.witnesses.map((witness) => witness.msg);
      expect(lost).toContain('m3');
      for (const msg of lost) expect(bufferLost[0].msgs).toContain(msg);
    });
  });

  it('with an outbox the restarted producer re-sends m3: no loss', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      expect(recordsOf(result, 'buffer-lost')).toEqual([]);
      const resend = recordsOf(result, 'outbox-resend');
      expect(resend).toHaveLength(1);
      expect(resend[0].msgs).toContain('m3');
      expect(recordsOf(result, 'session-start').map((record) => record.session)).toEqual([1, 2]);
      expect(recordsOf(result, 'append', 'm3').length).toBeGreaterThanOrEqual(1);
      expect(counts(result).loss).toBe(0);
    });
  });
});

describe('DB reply lost after the commit', () => {
  const plan: Fault[] = [{ kind: 'db-reply-lost', message: 'm3', attempt: 1 }];

  it('the consumer times out and writes m3 again: without dedup, a duplicate', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      expect(recordsOf(result, 'timeout', 'm3').map((record) => record.call)).toEqual(['db-apply']);
      expect(recordsOf(result, 'db-write', 'm3').map((record) => record.attempt)).toEqual([1, 2]);
      expect(recordsOf(result, 'db-commit', 'm3')).toHaveLength(2);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 1 });
    });
  });

  it('with the dedup key in the same transaction the retried write is skipped', () => {
    forSeeds('at-least-once', plan, { settings: { dedup: 'same-transaction' } }, (result) => {
      expect(recordsOf(result, 'db-write', 'm3')).toHaveLength(2);
      expect(recordsOf(result, 'db-duplicate-skipped', 'm3')).toHaveLength(1);
      expect(counts(result).duplicates).toBe(0);
    });
  });

  it('exactly-once recognises the retry by the offset stored with the effect', () => {
    forSeeds('exactly-once', plan, {}, (result) => {
      expect(recordsOf(result, 'db-already-applied', 'm3')).toHaveLength(1);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });

  it('at-most-once gives up on the write (no retries), which had in fact committed: neither lost nor doubled', () => {
    forSeeds('at-most-once', plan, {}, (result) => {
      expect(recordsOf(result, 'db-gave-up', 'm3')).toHaveLength(1);
      expect(recordsOf(result, 'db-write', 'm3')).toHaveLength(1);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });
});

describe('dedup check and mark in separate transactions', () => {
  const plan: Fault[] = [{ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' }];

  it('a crash between the effect and the mark lets the re-delivery pass the check: duplicate', () => {
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      forSeeds(mode, plan, { settings: { dedup: 'separate-transaction', commit: 'after-process' } }, (result) => {
        expect(recordsOf(result, 'db-commit', 'm3')).toHaveLength(2);
        // The mark came only after the second application.
        const marks = recordsOf(result, 'db-mark-seen', 'm3');
        expect(marks).toHaveLength(1);
        expect(result.trace.indexOf(marks[0])).toBeGreaterThan(result.trace.indexOf(recordsOf(result, 'db-commit', 'm3')[1]));
        expect(counts(result).duplicates).toBe(1);
      });
    }
  });

  it('the same dedup key inside the effect\'s transaction skips the re-delivery', () => {
    forSeeds('at-least-once', plan, { settings: { dedup: 'same-transaction' } }, (result) => {
      expect(recordsOf(result, 'deliver', 'm3')).toHaveLength(2);
      expect(recordsOf(result, 'db-duplicate-skipped', 'm3')).toHaveLength(1);
      expect(counts(result).duplicates).toBe(0);
    });
  });
});

describe('link partition window', () => {
  const plan: Fault[] = [{ kind: 'partition', link: 'producer-broker', fromMs: 3, durationMs: 10 }];

  it('drops what crosses the link inside the window only; acks=all retries it all afterwards', () => {
    forSeeds('at-least-once', plan, {}, (result) => {
      const drops = recordsOf(result, 'partition-drop');
      expect(drops.length).toBeGreaterThan(0);
      expect(drops.every((record) => record.t >= 3000 && record.t < 13_000)).toBe(true);
      expect(recordsOf(result, 'partition-start')).toEqual([{ t: 3000, actor: 'network', kind: 'partition-start', link: 'p1<->broker', untilUs: 13_000 }]);
      expect(recordsOf(result, 'partition-end').map((record) => record.t)).toEqual([13_000]);
      expect(counts(result)).toMatchObject({ loss: 0 });
    });
  });

  it('acks=0 loses the messages sent into the cut', () => {
    forSeeds('at-most-once', plan, {}, (result) => {
      const dropped = recordsOf(result, 'partition-drop').filter((record) => record.type === 'produce').length;
      expect(dropped).toBeGreaterThan(0);
      expect(counts(result).loss).toBe(dropped);
    });
  });
});

describe('fetch response duplicated', () => {
  const plan: Fault[] = [{ kind: 'fetch-duplicated', partition: 0, fromOffset: 0, attempt: 1 }];

  it('is harmless: the second copy is stale and discarded', () => {
    for (const mode of ['at-most-once', 'at-least-once', 'exactly-once'] as const) {
      forSeeds(mode, plan, {}, (result) => {
        const fetched = recordsOf(result, 'fetched').filter((record) => record.fromOffset === 0);
        expect(fetched).toHaveLength(1);
        expect(recordsOf(result, 'stale-fetch-discarded')).toEqual([expect.objectContaining({ partition: 0, fromOffset: 0, attempt: 1 })]);
        expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0, order: 0 });
      });
    }
  });
});

describe('lost fetch response and lost offset commit', () => {
  it('a lost fetch response is fetched again after the timeout', () => {
    forSeeds('at-least-once', [{ kind: 'fetch-lost', partition: 0, fromOffset: 0, attempt: 1 }], {}, (result) => {
      expect(recordsOf(result, 'timeout').filter((record) => record.call === 'fetch')).toEqual([expect.objectContaining({ fromOffset: 0, attempt: 1 })]);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });

  it('a lost offset commit before processing is retried until it lands (at-most-once needs it first)', () => {
    forSeeds('at-most-once', [{ kind: 'commit-lost', partition: 0, offset: 1, attempt: 1 }], {}, (result) => {
      const sends = recordsOf(result, 'commit-sent').filter((record) => record.offset === 1);
      expect(sends.map((record) => record.attempt)).toEqual([1, 2]);
      expect(recordsOf(result, 'offset-committed').filter((record) => record.offset === 1).map((record) => record.attempt)).toEqual([2]);
      expect(counts(result)).toMatchObject({ loss: 0, duplicates: 0 });
    });
  });
});

describe('consumer calls that time out faster than the network answers', () => {
  it('a late commit answer is never taken for the fetch outstanding with the same partition, offset and attempt', () => {
    // Regression: with a 0.5 ms consumer timeout, "commit offset 5, attempt 1" timed out, the consumer went
    // on to "fetch from offset 5, attempt 1", and the late commit answer cleared that fetch. The consumer then
    // waited for nothing, the queue ran dry, and the run "settled" with 35 of 40 messages never applied.
    for (const seed of [1, 2]) {
      const result = runPlan('at-least-once', [], { seed, settings: { consumerTimeoutMs: 0.5 }, workload: { messages: 40 } });
      expect(result.outcome).toEqual({ kind: 'quiescent' });
      expect(counts(result).loss).toBe(0);
      // Every message is processed (many of them more than once: the DB answers arrive after the timeout).
      expect(new Set(result.effects.map((effect) => effect.msgId)).size).toBe(40);
    }
  });
});

describe('the producer waits for a leader instead of writing into the void', () => {
  const plan: Fault[] = [{ kind: 'leader-failover', message: 'm3' }];
  const workload = { messages: 20, keys: 2, partitions: 1 };

  it('acks=0: once it learns the partition has no leader it sends nothing there until metadata names a new one', () => {
    forSeeds('at-most-once', plan, { workload }, (result) => {
      const unknown = recordsOf(result, 'leader-unknown');
      const known = recordsOf(result, 'leader-known');
      expect(unknown.length).toBeGreaterThan(0);
      expect(known.length).toBe(unknown.length);
      const sentWhileUnknown = recordsOf(result, 'send').filter((send) => send.t > unknown[0].t && send.t < known[0].t);
      expect(sentWhileUnknown).toEqual([]);
      expect(known[0].waited.length).toBeGreaterThan(0);
      // Lost: m3 (its leader failed before a follower copied it) and what was sent before the producer noticed.
      const lost = result.invariants.loss.witnesses.map((witness) => witness.msg);
      expect(lost).toContain('m3');
      for (const msg of known[0].waited) expect(lost).not.toContain(msg);
      expect(counts(result).loss).toBeLessThanOrEqual(3);
    });
  });

  it('acks=all with one retry: the retry waits for the new leader instead of spending itself on the election', () => {
    forSeeds('at-least-once', plan, { workload, settings: { retries: 1, leaderElectionMs: 30 } }, (result) => {
      expect(recordsOf(result, 'gave-up')).toEqual([]);
      expect(recordsOf(result, 'leader-known').length).toBeGreaterThan(0);
      expect(counts(result).loss).toBe(0);
    });
  });

  it('a record that waits longer than delivery.timeout.ms fails with a timeout, and with an in-memory buffer the loss story says so', () => {
    forSeeds('at-least-once', plan, { workload, settings: { retries: 1, leaderElectionMs: 30, requestTimeoutMs: 10, deliveryTimeoutMs: 10, producerBuffer: 'memory' } }, (result) => {
      const expired = recordsOf(result, 'gave-up').filter((record) => record.reason === 'delivery.timeout.ms');
      expect(expired.length).toBeGreaterThan(0);
      const lost = result.invariants.loss.witnesses.map((witness) => witness.msg);
      for (const record of expired.slice(0, 3)) expect(lost).toContain(record.msg);
      expect(result.invariants.loss.status).toBe('VIOLATED');
      expect(recordsOf(result, 'outbox-resend')).toEqual([]);
    });
  });

  it('with the outbox, the relay re-publishes every record the producer gave up, retry.backoff.max.ms later: nothing is lost', () => {
    forSeeds('at-least-once', plan, { workload, settings: { retries: 1, leaderElectionMs: 30, requestTimeoutMs: 10, deliveryTimeoutMs: 10, producerBuffer: 'outbox' } }, (result) => {
      const expired = recordsOf(result, 'gave-up').filter((record) => record.reason === 'delivery.timeout.ms');
      expect(expired.length).toBeGreaterThan(0);
      const relayed = recordsOf(result, 'outbox-resend');
      for (const gaveUp of expired) {
        const relay = relayed.find((record) => record.msgs.includes(gaveUp.msg) && record.t >= gaveUp.t);
        expect(relay, `${gaveUp.msg} is re-published`).toBeDefined();
        expect((relay?.t ?? 0) - gaveUp.t).toBe(result.config.settings.retryBackoffMaxMs * 1000);
      }
      expect(counts(result).loss).toBe(0);
    });
  });
});
