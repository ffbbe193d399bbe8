/**
 * The producer's retries and the idempotent producer's own bookkeeping: a request times out only when its own attempt
 * went unanswered for request.timeout.ms; after a numbered record is given up the partition's sequence restarts
 * (KIP-360) instead of every later record being refused as OUT_OF_ORDER_SEQUENCE_NUMBER; retries go in sequence
 * order, and before anything new.
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../models/faults/catalog.js';
import { simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import { findScenario } from '../../../scenarios/scenarios.js';
import { recordsOf, runPlan } from '../../helpers/model-run.js';

describe('request timeouts', () => {
  it('time the attempt that is outstanding: a timer of an earlier, answered attempt never counts', () => {
    let timeouts = 0;
    for (const nodes of [0, 3]) {
      for (let seed = 1; seed <= 40; seed++) {
        const result = simulate({ mode: 'exactly-once', seed, faults: 'chaos', settings: { nodes } });
        const timeoutUs = result.config.settings.requestTimeoutMs * 1000;
        for (const timeout of recordsOf(result, 'request-timeout')) {
          timeouts++;
          const sent = recordsOf(result, 'send', timeout.msg).filter((send) => send.attempt === timeout.attempt);
          expect(sent, `nodes ${nodes} seed ${seed}: ${timeout.msg} attempt ${timeout.attempt}`).toHaveLength(1);
          expect(timeout.t - sent[0].t, `nodes ${nodes} seed ${seed}: ${timeout.msg} attempt ${timeout.attempt} timed out after its own request.timeout.ms`).toBe(timeoutUs);
          const answered = [...recordsOf(result, 'acked', timeout.msg), ...recordsOf(result, 'produce-error', timeout.msg)].filter((answer) => answer.attempt === timeout.attempt && answer.t <= timeout.t);
          expect(answered, `nodes ${nodes} seed ${seed}: ${timeout.msg} attempt ${timeout.attempt} was answered before it timed out`).toEqual([]);
        }
      }
    }
    expect(timeouts).toBeGreaterThan(0);
  });
});

describe('KIP-360: a numbered record given up restarts its partition\'s sequence', () => {
  // m3's leader fails; records wait for a new leader longer than delivery.timeout.ms and are given up (numbered).
  const plan: Fault[] = [{ kind: 'leader-failover', message: 'm3' }];
  const options = { workload: { messages: 20, keys: 2, partitions: 1 }, settings: { retries: 1, leaderElectionMs: 30, requestTimeoutMs: 10, deliveryTimeoutMs: 10, producerBuffer: 'memory' as const } };

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: loses exactly the records given up, and sends the rest under a new producer id from sequence 0`, () => {
      const result = runPlan('exactly-once', plan, { ...options, seed });
      expect(result.outcome).toEqual({ kind: 'quiescent' });
      const gaveUp = recordsOf(result, 'gave-up');
      expect(gaveUp.length).toBeGreaterThan(0);
      const resets = recordsOf(result, 'sequence-reset');
      expect(resets.length).toBeGreaterThan(0);
      // Only given-up records are lost (some of them were appended all the same): none of the later records is
      // refused out of order until it is given up.
      const given = new Set(gaveUp.map((record) => record.msg));
      const lost = result.invariants.loss.witnesses.map((witness) => witness.msg);
      expect(lost.length).toBeGreaterThan(0);
      for (const msg of lost) expect(given.has(msg), `${msg} is lost without being given up`).toBe(true);
      expect(recordsOf(result, 'produce-refused').filter((refused) => refused.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toEqual([]);
      for (const reset of resets) {
        // Every producer id is new, and the records it renumbered are sent under it as 0, 1, 2, ... in order.
        expect(recordsOf(result, 'send').filter((send) => send.pid === reset.pid && send.t < reset.t)).toEqual([]);
        reset.msgs.forEach((msg, seq) => {
          const resent = recordsOf(result, 'send', msg).find((send) => send.t >= reset.t && send.pid === reset.pid);
          if (resent !== undefined) expect(resent.seq, `${msg} after the reset at ${reset.t}`).toBe(seq);
        });
        const first = recordsOf(result, 'send').find((send) => send.pid === reset.pid);
        if (first !== undefined) expect(first.seq).toBe(0);
      }
    });
  }

  it('with retries spent on OUT_OF_ORDER refusals behind a lost record, the partition recovers after the reset', () => {
    // m3's request is lost twice (retries 1): it is given up, and m4.. were refused behind its sequence gap.
    const lostTwice: Fault[] = [
      { kind: 'request-lost', message: 'm3', attempt: 1 },
      { kind: 'request-lost', message: 'm3', attempt: 2 },
    ];
    const result = runPlan('exactly-once', lostTwice, { seed: 1, workload: { messages: 20, keys: 2, partitions: 1 }, settings: { retries: 1, producerBuffer: 'memory' } });
    const gaveUp = new Set(recordsOf(result, 'gave-up').map((record) => record.msg));
    expect(gaveUp.has('m3')).toBe(true);
    expect(recordsOf(result, 'sequence-reset').length).toBeGreaterThan(0);
    // Every record after the last one given up is applied: the partition is not refused for the rest of the run.
    const lastGivenUp = Math.max(...[...gaveUp].map((msg) => Number(msg.slice(1))));
    expect(lastGivenUp).toBeLessThan(20);
    const applied = new Set(result.effects.map((effect) => effect.msgId));
    for (let index = lastGivenUp + 1; index <= 20; index++) expect(applied.has(`m${index}`), `m${index}`).toBe(true);
    expect(result.invariants.loss.count).toBe(gaveUp.size);
  });
});

/**
 * Sends that break the Java producer's rule for retries (RecordAccumulator.shouldStopDrainBatchesForPartition): a
 * numbered record is sent again only when its sequence is the first not yet settled for its producer id and
 * partition. Read from the trace: a record is unsettled from its first send under a producer id until it is acked,
 * given up, renumbered by a sequence reset, or its producer restarts.
 */
function retriesOutOfTurn(result: SimulationResult): string[] {
  const unsettled = new Map<string, Map<number, string>>();
  const placeOf = new Map<string, { key: string; seq: number }>();
  const settle = (msg: string): void => {
    const place = placeOf.get(msg);
    if (place !== undefined) unsettled.get(place.key)?.delete(place.seq);
    placeOf.delete(msg);
  };
  const broken: string[] = [];
  for (const record of result.trace) {
    if (record.kind === 'session-start' || record.kind === 'sequence-reset') {
      const partition = record.kind === 'sequence-reset' ? record.partition : undefined;
      for (const [msg, place] of [...placeOf]) if (place.key.startsWith(`${record.actor}/`) && (partition === undefined || place.key.endsWith(`/${partition}`))) settle(msg);
    } else if (record.kind === 'acked' || record.kind === 'gave-up') settle(record.msg);
    else if (record.kind === 'send' && record.seq !== undefined && record.seq >= 0) {
      const key = `${record.actor}/${record.pid}/${record.partition}`;
      const place = placeOf.get(record.msg);
      const seqs = unsettled.get(key) ?? new Map<number, string>();
      unsettled.set(key, seqs);
      if (place === undefined || place.key !== key) {
        seqs.set(record.seq, record.msg);
        placeOf.set(record.msg, { key, seq: record.seq });
        continue;
      }
      const first = Math.min(...seqs.keys());
      if (first !== record.seq) broken.push(`${record.msg} (seq ${record.seq}) sent again at ${record.t} while ${seqs.get(first)} (seq ${first}) was unsettled`);
    }
  }
  return broken;
}

describe('idempotent retries go in sequence order, one at a time (Kafka 1.0+)', () => {
  it('a numbered record is sent again only as the first unsettled one of its partition, over default and chaos faults, one broker or three', () => {
    let retries = 0;
    for (const faults of ['default', 'chaos']) {
      for (const nodes of [0, 3]) {
        for (let seed = 1; seed <= 25; seed++) {
          const result = simulate({ mode: 'exactly-once', seed, faults, settings: { nodes }, workload: { messages: 200 } });
          retries += recordsOf(result, 'retry-scheduled').length;
          expect(retriesOutOfTurn(result).slice(0, 3), `${faults} nodes ${nodes} seed ${seed}`).toEqual([]);
        }
      }
    }
    expect(retries).toBeGreaterThan(100);
  });

  it('a lost request costs the requests behind it one OUT_OF_ORDER_SEQUENCE_NUMBER refusal each, not a storm of them', () => {
    // Sent again as their own backoffs ran out, the records behind a gap were refused again and again: 8,892
    // refusals for 10,000 messages, a producer too busy to keep up with its workload.
    const result = simulate({ mode: 'exactly-once', seed: 1, faults: 'default', workload: { messages: 5000 } });
    const refused = recordsOf(result, 'produce-refused').filter((record) => record.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER').length;
    const lost = recordsOf(result, 'fault').filter((record) => record.fault.kind === 'request-lost').length;
    expect(lost).toBeGreaterThan(20);
    expect(refused).toBeLessThanOrEqual(lost * result.config.settings.maxInFlight);
    expect(result.verdict).toBe('ok');
  });

  it('an OUT_OF_ORDER_SEQUENCE_NUMBER on the first record in flight (acknowledged records lost) bumps the epoch: the record goes on from sequence 0, in order', () => {
    // The unclean election loses records B1 had acknowledged, so the new leader waits for a sequence the producer
    // will never send again. Retrying the same sequence could not close the gap: the partition was stuck until the
    // record was given up, and the outbox relay then published it behind later records of its key.
    const scenario = findScenario('kafka-unclean-election');
    if (scenario === undefined) throw new Error('scenario kafka-unclean-election is missing');
    for (const seed of [1, 2, 3]) {
      const result = simulate({ mode: 'exactly-once', seed, faults: scenario.faults, settings: scenario.settings, workload: scenario.workload });
      const refused = recordsOf(result, 'produce-refused').filter((record) => record.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      expect(refused.length, `seed ${seed}`).toBeGreaterThan(0);
      const first = refused[0];
      const reset = recordsOf(result, 'sequence-reset').find((record) => record.t >= first.t && record.msgs.includes(first.msg));
      expect(reset, `seed ${seed}: ${first.msg} refused out of order at ${first.t} is renumbered`).toBeDefined();
      expect(recordsOf(result, 'gave-up'), `seed ${seed}`).toEqual([]);
      expect(refused.length, `seed ${seed}`).toBeLessThan(10);
      expect(result.invariants.order.status, `seed ${seed}`).toBe('holds');
      expect(result.invariants.loss.status, `seed ${seed}: the unclean election still loses what only B1 had`).toBe('VIOLATED');
    }
  });
});

/**
 * Sends that break the Java producer's rule for a retried batch (RecordAccumulator.reenqueue puts it back at the
 * head of its partition's deque, and drain skips the partition during its backoff): while a record of a partition
 * waits to be sent again, the producer sends that partition nothing else.
 */
function sendsPastAWaitingRetry(result: SimulationResult): string[] {
  const partitionOf = new Map<string, number>();
  const waiting = new Map<string, Set<string>>();
  const waitingOn = (actor: string, partition: number): Set<string> => {
    const key = `${actor}/${partition}`;
    let set = waiting.get(key);
    if (set === undefined) waiting.set(key, (set = new Set()));
    return set;
  };
  const broken: string[] = [];
  for (const record of result.trace) {
    if (record.kind === 'session-start') {
      for (const [key, set] of waiting) if (key.startsWith(`${record.actor}/`)) set.clear();
    } else if (record.kind === 'retry-scheduled') {
      const partition = partitionOf.get(record.msg);
      if (partition !== undefined) waitingOn(record.actor, partition).add(record.msg);
    } else if (record.kind === 'acked' || record.kind === 'gave-up') {
      const partition = partitionOf.get(record.msg);
      if (partition !== undefined) waitingOn(record.actor, partition).delete(record.msg);
    } else if (record.kind === 'send') {
      partitionOf.set(record.msg, record.partition);
      const set = waitingOn(record.actor, record.partition);
      if (set.delete(record.msg)) continue;
      if (set.size > 0) broken.push(`${record.msg} sent at ${record.t} while ${[...set].join(', ')} waited to be sent again`);
    }
  }
  return broken;
}

describe('a retried record goes before new ones (any producer, Kafka 2.x+ RecordAccumulator.reenqueue)', () => {
  it('nothing new is sent to a partition while one of its records waits to be sent again, in every mode that retries', () => {
    let retries = 0;
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      for (const faults of ['default', 'chaos']) {
        for (let seed = 1; seed <= 25; seed++) {
          const result = simulate({ mode, seed, faults, workload: { messages: 200 } });
          retries += recordsOf(result, 'retry-scheduled').length;
          expect(sendsPastAWaitingRetry(result).slice(0, 3), `${mode} ${faults} seed ${seed}`).toEqual([]);
        }
      }
    }
    expect(retries).toBeGreaterThan(100);
  });
});
