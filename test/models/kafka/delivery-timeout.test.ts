/**
 * delivery.timeout.ms as Kafka 2.1+ has it (KIP-91): the most time from a record's hand-over (its send()) to its
 * outcome. Wherever the record is when the time runs out (waiting for a leader, queued, backing off, waiting its
 * turn, in flight) the producer fails it (a TimeoutException, "Expiring 1 record(s) ..."), whatever retries are left;
 * and Kafka refuses a delivery.timeout.ms set below request.timeout.ms (+ linger.ms), raising its default instead.
 */
import { describe, expect, it } from 'vitest';
import type { ExpiryStage } from '../../../models/kafka/events.js';
import { resolveConfig, simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import { explainInvariant } from '../../../reports/story.js';
import { recordsOf } from '../../helpers/model-run.js';

/** Records whose outcome (acked, gave-up) came later than delivery.timeout.ms after they last entered the accumulator. */
function settledTooLate(result: SimulationResult): string[] {
  const timeoutUs = result.config.settings.deliveryTimeoutMs * 1000;
  // A hand-over enters a record; so does the outbox re-publishing it (a new send(), so a new clock).
  const enteredUs = new Map<string, number>();
  const late: string[] = [];
  for (const record of result.trace) {
    if (record.kind === 'handover') enteredUs.set(record.msg, record.t);
    else if (record.kind === 'outbox-resend') for (const msg of record.msgs) enteredUs.set(msg, record.t);
    else if ((record.kind === 'acked' || record.kind === 'gave-up') && record.actor.startsWith('p')) {
      const entered = enteredUs.get(record.msg);
      if (entered !== undefined && record.t - entered > timeoutUs) late.push(`${record.msg}: ${record.kind} ${record.t - entered} µs after it entered`);
      enteredUs.delete(record.msg);
    }
  }
  return late;
}

describe('delivery.timeout.ms bounds the whole send (KIP-91)', () => {
  it('no record is acknowledged or failed later than delivery.timeout.ms after it entered the producer', () => {
    let outcomes = 0;
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      for (const nodes of [0, 3]) {
        for (let seed = 1; seed <= 60; seed++) {
          const result = simulate({ mode, seed, faults: 'chaos', settings: { nodes } });
          outcomes += recordsOf(result, 'acked').length;
          expect(settledTooLate(result).slice(0, 3), `${mode} nodes ${nodes} seed ${seed}`).toEqual([]);
        }
      }
    }
    expect(outcomes).toBeGreaterThan(1000);
  });

  // A short deadline under chaos reaches every stage; each is checked against what the trace says of the record.
  const shortDeadlineRun = (mode: 'at-least-once' | 'exactly-once', seed: number): SimulationResult =>
    simulate({ mode, seed, faults: 'chaos', settings: { deliveryTimeoutMs: 20, producerBuffer: 'memory' }, workload: { messages: 40 } });

  it('fails a record wherever it is, and the gave-up record says where: each stage as the trace shows it', () => {
    const seen = new Set<ExpiryStage>();
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      for (let seed = 1; seed <= 30; seed++) {
        const result = shortDeadlineRun(mode, seed);
        const timeoutUs = result.config.settings.deliveryTimeoutMs * 1000;
        for (const expired of recordsOf(result, 'gave-up').filter((record) => record.reason === 'delivery.timeout.ms')) {
          const where = `${mode} seed ${seed}: ${expired.msg} (${expired.stage})`;
          const stage = expired.stage as ExpiryStage;
          seen.add(stage);
          const before = result.trace.slice(0, result.trace.indexOf(expired));
          const about = before.filter((record) => 'msg' in record && record.msg === expired.msg);
          const entered = [...before].reverse().find((record) => (record.kind === 'handover' && record.msg === expired.msg) || (record.kind === 'outbox-resend' && record.msgs.includes(expired.msg)));
          expect(entered, where).toBeDefined();
          // Exactly at its deadline: the producer's expiry timer runs for the oldest record.
          expect(expired.t - (entered?.t ?? 0), where).toBe(timeoutUs);
          const sinceEntered = about.filter((record) => record.t >= (entered?.t ?? 0));
          const sends = sinceEntered.filter((record) => record.kind === 'send');
          if (stage === 'queued' || (stage === 'no-leader' && expired.attempts === 0)) expect(sends, where).toEqual([]);
          if (stage === 'in-flight') {
            const last = sends.at(-1);
            expect(last?.kind === 'send' ? last.attempt : undefined, where).toBe(expired.attempts);
            const answered = sinceEntered.filter((record) => (record.kind === 'acked' || record.kind === 'produce-error' || record.kind === 'request-timeout') && record.attempt === expired.attempts);
            expect(answered, where).toEqual([]);
          }
          if (stage === 'backoff' || stage === 'turn') {
            const retry = sinceEntered.filter((record) => record.kind === 'retry-scheduled').at(-1);
            expect(retry, where).toBeDefined();
            expect(sends.filter((send) => send.t > (retry?.t ?? 0)), where).toEqual([]);
          }
          if (stage === 'turn') expect(result.config.settings.enableIdempotence, where).toBe(true);
        }
      }
    }
    expect([...seen].sort()).toEqual(['backoff', 'in-flight', 'no-leader', 'queued', 'turn']);
  });

  it('with an in-memory buffer the record is lost, and its loss story says where its time ran out', () => {
    const words: Record<ExpiryStage, string> = {
      'no-leader': 'while its partition had no leader',
      queued: 'while it was still queued, unsent',
      backoff: 'while it backed off before a retry',
      turn: 'while its retry waited for the records numbered before it',
      'in-flight': 'while its request was still unanswered',
    };
    const told = new Set<ExpiryStage>();
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      for (let seed = 1; seed <= 30; seed++) {
        const result = shortDeadlineRun(mode, seed);
        const stories = explainInvariant(result, 'loss');
        for (const story of stories) {
          const expiries = recordsOf(result, 'gave-up', story.msg).filter((record) => record.reason === 'delivery.timeout.ms');
          if (expiries.length === 0) continue;
          const stage = expiries[0].stage as ExpiryStage;
          told.add(stage);
          expect(story.text, `${mode} seed ${seed}: ${story.msg}`).toContain(`delivery.timeout.ms (20 ms) had passed since it was handed over, ${words[stage]}`);
          expect(story.mechanism, `${mode} seed ${seed}: ${story.msg}`).toMatch(/within delivery\.timeout\.ms$/);
        }
      }
    }
    expect(told.size).toBeGreaterThanOrEqual(4);
  });

  it('with the outbox, the relay publishes an expired record again, and a duplicate story says so (not a restart)', () => {
    let told = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const result = simulate({ mode: 'at-least-once', seed, faults: 'chaos', settings: { deliveryTimeoutMs: 20 }, workload: { messages: 40 } });
      const starts = new Set(result.trace.filter((record) => record.kind === 'session-start').map((record) => `${record.actor}@${record.t}`));
      for (const story of explainInvariant(result, 'duplicates')) {
        // Attempts that the relay sent: the first send after an outbox-resend of this record that no restart made.
        const relayed = result.trace.filter((record) => record.kind === 'outbox-resend' && record.msgs.includes(story.msg) && !starts.has(`${record.actor}@${record.t}`));
        const sentByRelay = relayed.filter((resend) => result.trace.some((record) => record.kind === 'send' && record.msg === story.msg && record.t === resend.t));
        if (sentByRelay.length === 0 || !story.text.includes(`(attempt`)) continue;
        const attempts = sentByRelay.map((resend) => recordsOf(result, 'send', story.msg).find((send) => send.t === resend.t)?.attempt);
        for (const attempt of attempts) {
          // A story that tells the attempt before the relay's says how the relay's came to be sent.
          if (attempt === undefined || !story.text.includes(`(attempt ${attempt}`) || !story.text.includes(`attempt ${attempt - 1}`)) continue;
          told++;
          expect(story.text, `seed ${seed}: ${story.msg}`).toMatch(new RegExp(`the outbox relay published it again at t=[0-9.]+ ms[^;]*\\(attempt ${attempt}`));
        }
      }
    }
    expect(told).toBeGreaterThan(0);
  });

  it('an expired request still out there is waited for before a sequence reset (its epoch would be fenced)', () => {
    let resetsAfterInFlight = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const result = shortDeadlineRun('exactly-once', seed);
      for (const expired of recordsOf(result, 'gave-up').filter((record) => record.stage === 'in-flight')) {
        const send = recordsOf(result, 'send', expired.msg).find((record) => record.attempt === expired.attempts);
        const after = result.trace.slice(result.trace.indexOf(expired));
        const reset = after.find((record) => record.kind === 'sequence-reset' && record.actor === expired.actor && record.partition === send?.partition);
        if (send === undefined || reset === undefined) continue;
        // Its request's answer or timeout comes first: the producer ignores it, but counts it as no longer out there.
        const done = after.find((record) => (record.kind === 'late-response-ignored' && record.msg === expired.msg && record.attempt === expired.attempts) || record === reset);
        const timedOutBy = send.t + result.config.settings.requestTimeoutMs * 1000;
        if (done === reset) expect(reset.t, `seed ${seed}: ${expired.msg}`).toBeGreaterThanOrEqual(timedOutBy);
        resetsAfterInFlight++;
      }
    }
    expect(resetsAfterInFlight).toBeGreaterThan(0);
  });
});

describe('delivery.timeout.ms against request.timeout.ms (KafkaProducer.configureDeliveryTimeout, Kafka 2.1+)', () => {
  it('left at its default, it is raised to request.timeout.ms; set below it, it is refused with Kafka\'s reason', () => {
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, settings: { requestTimeoutMs: 200 } }).settings.deliveryTimeoutMs).toBe(200);
    expect(resolveConfig({ mode: 'exactly-once', seed: 1, settings: { requestTimeoutMs: 2000 } }).settings.deliveryTimeoutMs).toBe(2000);
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, settings: { requestTimeoutMs: 100 } }).settings.deliveryTimeoutMs).toBe(120);
    expect(() => resolveConfig({ mode: 'at-least-once', seed: 1, settings: { requestTimeoutMs: 200, deliveryTimeoutMs: 150 } })).toThrow('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
    expect(resolveConfig({ mode: 'at-least-once', seed: 1, settings: { requestTimeoutMs: 200, deliveryTimeoutMs: 200 } }).settings.deliveryTimeoutMs).toBe(200);
  });
});

describe('the transactional producer (--transactions true)', () => {
  const run = (seed: number, settings: Record<string, unknown>): SimulationResult => simulate({ mode: 'exactly-once', seed, faults: 'chaos', settings: { transactions: true, ...settings }, workload: { messages: 40 } });

  it('a send past delivery.timeout.ms fails, its transaction aborts, the epoch is bumped, and every promise holds', () => {
    let expiries = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const result = run(seed, { deliveryTimeoutMs: 20 });
      expect(result.verdict, `seed ${seed}`).toBe('ok');
      const timeoutUs = result.config.settings.deliveryTimeoutMs * 1000;
      // The clock runs from the record's first send in its transaction (the application's send()).
      const sentUs = new Map<string, number>();
      result.trace.forEach((record, index) => {
        if (record.kind === 'txn-begin') sentUs.clear();
        if (record.kind === 'send' && !sentUs.has(record.msg)) sentUs.set(record.msg, record.t);
        if (record.kind === 'acked' || record.kind === 'gave-up') {
          expect(record.t - (sentUs.get(record.msg) ?? record.t), `seed ${seed}: ${record.msg}`).toBeLessThanOrEqual(timeoutUs);
        }
        if (record.kind !== 'gave-up' || record.reason !== 'delivery.timeout.ms') return;
        expiries++;
        const after = result.trace.slice(index);
        const aborted = after.find((next) => next.kind === 'txn-aborted' && next.actor === record.actor);
        // (or the application's own abort, decided before the send failed)
        expect(aborted?.kind === 'txn-aborted' ? aborted.reason : undefined, `seed ${seed}: ${record.msg}`).toMatch(/^(send-failed|application)$/);
        const before = result.trace.slice(0, index).filter((previous) => previous.kind === 'txn-initialized' && previous.actor === record.actor).at(-1);
        const next = after.find((later) => later.kind === 'txn-initialized' && later.actor === record.actor);
        if (before?.kind === 'txn-initialized' && next?.kind === 'txn-initialized') expect(next.epoch, `seed ${seed}: ${record.msg}`).toBeGreaterThan(before.epoch);
      });
    }
    expect(expiries).toBeGreaterThan(20);
  });

  it('after a send that failed the epoch bump (Kafka 2.5+, KIP-360) keeps the partition writable: --retries 1 under chaos never stalls', () => {
    // Before, the next transaction's records were refused out of sequence behind the failed one's number, forever.
    for (let seed = 1; seed <= 60; seed++) {
      const result = run(seed, { retries: 1 });
      expect(result.outcome.kind, `seed ${seed}`).toBe('quiescent');
      expect(result.verdict, `seed ${seed}`).toBe('ok');
    }
  });
});
