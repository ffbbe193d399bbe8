/**
 * The idempotent producer's own bookkeeping: a request times out only when its own attempt went unanswered for
 * request.timeout.ms, and after a numbered record is given up the partition's sequence restarts (KIP-360) instead
 * of every later record being refused as OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../models/faults/catalog.js';
import { simulate } from '../../../models/engine.js';
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
  const options = { workload: { messages: 20, keys: 2, partitions: 1 }, settings: { retries: 1, leaderElectionMs: 30, deliveryTimeoutMs: 10, producerBuffer: 'memory' as const } };

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
