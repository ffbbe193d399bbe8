/**
 * RabbitMQ's documented behaviour the conformance runs against a real broker check (issue 12), asserted on the
 * model: the x-delivery-limit count, head-of-line TTL expiry, x-max-length with x-overflow, mandatory returns.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { EventOf } from '../../../models/events.js';
import type { RabbitMqSettings } from '../../../models/rabbitmq/settings.js';

const run = (mode: 'at-most-once' | 'at-least-once' | 'exactly-once', settings: Partial<RabbitMqSettings>, faults: unknown, workload = { messages: 6, keys: 2 }): SimulationResult =>
  simulate({ family: 'rabbitmq', mode, seed: 1, settings: settings, workload, faults: faults as never });

const poison = { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }] };

describe('RabbitMQ documented behaviour', () => {
  it('x-delivery-limit 3 with nack requeue=true: 4 deliveries (redelivered false, then true with x-delivery-count 1, 2, 3), then dead-lettered', () => {
    const result = run('at-least-once', { onError: 'retry', deliveryLimit: 3 }, poison);
    const delivered = result.trace.filter((record): record is EventOf<'basic-deliver'> => record.kind === 'basic-deliver' && record.msg === 'm3');
    expect(delivered.map((record) => [record.redelivered, record.deliveryCount])).toEqual([[false, 0], [true, 1], [true, 2], [true, 3]]);
    const deadLettered = result.trace.filter((record): record is EventOf<'queue-dead-letter'> => record.kind === 'queue-dead-letter');
    expect(deadLettered.map((record) => [record.msg, record.reason, record.dlx])).toEqual([['m3', 'delivery_limit', true]]);
    expect(result.parked.count).toBe(1);
    // Parked for its delivery count, not for a reject: the witness says which.
    expect(result.parked.witnesses[0].summary).toBe('m3 (key k0) was parked in the dead-letter queue (by the dead-letter exchange): it was returned to the queue more than x-delivery-limit 3 times (nacked with requeue=true, or unacknowledged when its channel closed)');
    expect(result.trace.filter((record) => record.kind === 'deliver' && record.msg === 'm3').map((record) => ('redelivered' in record ? record.redelivered : undefined))).toEqual([false, true, true, true]);
  });

  it('reject requeue=false dead-letters with a DLX and drops without one', () => {
    const parked = run('at-least-once', {}, poison).parked;
    expect(parked.count).toBe(1);
    expect(parked.witnesses[0].summary).toBe('m3 (key k0) was parked in the dead-letter queue (by the dead-letter exchange): its processing kept failing');
    const dropped = run('at-least-once', { deadLetterExchange: false }, poison);
    expect(dropped.parked.count).toBe(0);
    expect(dropped.invariants.loss.status).toBe('VIOLATED');
  });

  it('TTL + DLX delays release at the head only: a short delay behind a long one is late; the plugin is on time; never early', () => {
    const settings = { delayedEvery: 2, delayMs: 20 };
    const viaTtl = run('at-least-once', { ...settings, delayVia: 'ttl-dlx' }, 'none', { messages: 8, keys: 2 });
    const viaPlugin = run('at-least-once', { ...settings, delayVia: 'plugin' }, 'none', { messages: 8, keys: 2 });
    expect(viaTtl.schedule?.status).toBe('holds');
    expect(viaPlugin.schedule?.status).toBe('holds');
    expect(viaTtl.schedule?.lateMsMax ?? 0).toBeGreaterThan(10);
    expect(viaPlugin.schedule?.lateMsMax ?? 100).toBeLessThan(5);
    expect(run('at-least-once', {}, 'none').schedule).toBeUndefined();
  });

  it('x-message-ttl expires messages waiting at the head behind a slow consumer; with a DLX they are parked as expired', () => {
    const burst = { messages: 12, keys: 2, burst: 12 };
    const expired = run('at-least-once', { messageTtlMs: 1, processingMs: 5, prefetch: 1 }, 'none', burst);
    const reasons = new Set(expired.trace.filter((record): record is EventOf<'queue-dead-letter'> => record.kind === 'queue-dead-letter').map((record) => record.reason));
    expect([...reasons]).toEqual(['expired']);
    expect(expired.parked.count).toBeGreaterThan(0);
    for (const witness of expired.parked.witnesses) expect(witness.summary).toMatch(/: it expired in the queue \(x-message-ttl 1 ms\)$/);
  });

  it('x-max-length 5 under a burst of 20: drop-head loses confirmed messages, reject-publish with confirms loses none', () => {
    const burst = { messages: 20, keys: 2, burst: 20 };
    const slow = { maxLength: 5, processingMs: 5, prefetch: 1 };
    const dropHead = run('at-least-once', { ...slow, overflow: 'drop-head', deadLetterExchange: false }, 'none', burst);
    expect(dropHead.invariants.loss.count).toBeGreaterThan(0);
    expect(dropHead.invariants.loss.acknowledgedCount).toBe(dropHead.invariants.loss.count);
    expect(dropHead.stats.maxQueueLength).toBe(5);
    // With a dead-letter exchange the dropped heads are parked, each saying why.
    const parkedHeads = run('at-least-once', { ...slow, overflow: 'drop-head' }, 'none', burst).parked;
    expect(parkedHeads.count).toBe(dropHead.invariants.loss.count);
    for (const witness of parkedHeads.witnesses) expect(witness.summary).toMatch(/: the full queue dropped it from its head \(x-max-length 5, x-overflow=drop-head\)$/);
    const rejectPublish = run('at-least-once', { ...slow, overflow: 'reject-publish' }, 'none', burst);
    expect(rejectPublish.invariants.loss.count).toBe(0);
    expect(rejectPublish.trace.some((record) => record.kind === 'publish-nacked')).toBe(true);
  });

  it('mandatory returns an unroutable publish (re-published until its binding exists); without it every publish in the window vanishes although confirmed', () => {
    // The binding is missing from m3's first publish for the restart delay (15 ms): m4..m6 are published into it too.
    const unroutable = { version: 1, faults: [{ kind: 'unroutable', message: 'm3' }] };
    const returned = run('at-least-once', {}, unroutable);
    expect(returned.returned?.count).toBe(4);
    expect(returned.invariants.loss.count).toBe(0);
    // Returned, then confirmed all the same: the basic.ack follows the basic.return (RabbitMQ's publisher confirms).
    const answers = returned.trace.filter((record): record is EventOf<'publish-returned' | 'publish-confirmed'> => record.kind === 'publish-returned' || record.kind === 'publish-confirmed');
    const m3 = answers.filter((record) => record.msg === 'm3').map((record) => `${record.kind}${'returned' in record && record.returned === true ? ' (returned)' : ''}`);
    expect(m3.slice(0, 2)).toEqual(['publish-returned', 'publish-confirmed (returned)']);
    // Every re-publish inside the window is returned again; the first one after it is enqueued.
    const m3Returns = m3.filter((kind) => kind === 'publish-returned').length;
    expect(m3Returns).toBeGreaterThan(2);
    const enqueued = returned.trace.find((record): record is EventOf<'enqueued'> => record.kind === 'enqueued' && record.msg === 'm3');
    expect(enqueued?.attempt).toBe(m3Returns + 1);
    expect(enqueued?.t).toBeGreaterThanOrEqual(4_730 + 15_000);
    const silent = run('at-least-once', { mandatory: false }, unroutable);
    expect(silent.returned?.count).toBe(0);
    expect(silent.invariants.loss.acknowledgedCount).toBe(4);
    // A window of 1 ms strikes m3's first publish only.
    const short = run('at-least-once', { mandatory: false }, { version: 1, faults: [{ kind: 'unroutable', message: 'm3', durationMs: 1 }] });
    expect(short.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
  });

  it('an outbox row the publisher gave up is re-published by the relay; without the outbox it is lost', () => {
    // m3 is returned (mandatory, its window is 1 ms) and the publisher has no retries left: it gives m3 up.
    const oneReturn = { version: 1, faults: [{ kind: 'unroutable', message: 'm3', durationMs: 1 }] };
    const relayed = run('at-least-once', { publishRetries: 0, producerBuffer: 'outbox' }, oneReturn);
    const gaveUp = relayed.trace.find((record) => record.kind === 'gave-up' && record.msg === 'm3');
    expect(gaveUp).toBeDefined();
    const relay = relayed.trace.find((record): record is EventOf<'outbox-resend'> => record.kind === 'outbox-resend' && record.msgs.includes('m3'));
    expect((relay?.t ?? 0) - (gaveUp?.t ?? 0)).toBe((relayed.config.settings as unknown as RabbitMqSettings).republishBackoffMs * 1000);
    expect(relayed.invariants.loss.count).toBe(0);
    const memory = run('at-least-once', { publishRetries: 0, producerBuffer: 'memory' }, oneReturn);
    expect(memory.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
  });

  it('persistent messages survive a node restart, transient ones do not', () => {
    const restart = { version: 1, faults: [{ kind: 'broker-restart', message: 'm3' }] };
    const classic = { queueType: 'classic', deliveryLimit: 'unlimited' } as const;
    expect(run('at-least-once', { ...classic, persistent: true }, restart).invariants.loss.count).toBe(0);
    const transient = run('at-least-once', { ...classic, persistent: false, publisherConfirms: true }, restart, { messages: 12, keys: 2 });
    const restarted = transient.trace.find((record): record is EventOf<'node-restarted'> => record.kind === 'node-restarted');
    expect(restarted?.lost.length ?? 0).toBeGreaterThan(0);
  });

  it('autoAck loses a delivery the consumer crashes on; a manual ack redelivers it with redelivered=true', () => {
    const crash = { version: 1, faults: [{ kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'mid-process' }] };
    expect(run('at-most-once', {}, crash).invariants.loss.count).toBeGreaterThan(0);
    const manual = run('at-least-once', {}, crash);
    expect(manual.invariants.loss.count).toBe(0);
    expect(manual.trace.some((record) => record.kind === 'deliver' && record.msg === 'm3' && 'redelivered' in record && record.redelivered === true)).toBe(true);
  });

  it('autoAck ignores prefetch: every ready message is pushed at once, and a crash loses all the consumer holds', () => {
    const crash = { version: 1, faults: [{ kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'mid-process' }] };
    const settings: Partial<RabbitMqSettings> = { autoAck: true, prefetch: 1, processingMs: 30 };
    const result = simulate({ family: 'rabbitmq', mode: 'at-most-once', seed: 1, settings, workload: { messages: 5, keys: 2, burst: 5 }, timing: { faultyPhaseMs: 1000 }, faults: crash as never });
    expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  it('competing consumers share one queue round-robin; fanout gives every queue every message', () => {
    const competing = simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, faults: 'none', topology: { consumers: 3 } });
    expect(Object.values(competing.stats.appliedByConsumer).every((count) => count > 0)).toBe(true);
    expect(competing.effects.length).toBe(40);
    const fanout = simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, faults: 'none', topology: { groups: 2 } });
    expect(fanout.effects.length).toBe(80);
  });

  it('x-single-active-consumer: the first registered consumer gets every delivery; when it crashes the next takes over with its unacked messages, and order holds', () => {
    const activations = (result: SimulationResult): string[] => result.trace.filter((record): record is EventOf<'consumer-activated'> => record.kind === 'consumer-activated').map((record) => `${record.t}:${record.consumer}`);
    const quiet = simulate({ family: 'rabbitmq', mode: 'exactly-once', seed: 1, faults: 'none', topology: { consumers: 3 }, settings: { singleActiveConsumer: true } });
    const applied = Object.entries(quiet.stats.appliedByConsumer).filter(([, count]) => count > 0);
    expect(applied).toHaveLength(1);
    expect(applied[0][1]).toBe(40);
    const active = applied[0][0];
    // Activated once: the first basic.consume to reach the broker.
    expect(activations(quiet)).toEqual([expect.stringMatching(new RegExp(`:${active}$`))]);
    // The active consumer crashes mid-processing: the broker closes its channel, requeues what it held, and the next registered consumer takes over.
    const crash = simulate({ family: 'rabbitmq', mode: 'exactly-once', seed: 1, topology: { consumers: 3 }, settings: { singleActiveConsumer: true }, faults: { version: 1, faults: [{ kind: 'consumer-crash', consumer: active, message: 'm5', delivery: 1, point: 'mid-process' }] } });
    expect(crash.unusedPlanFaults).toEqual([]);
    expect(crash.verdict).toBe('ok');
    const takeOvers = activations(crash);
    expect(takeOvers.length).toBeGreaterThanOrEqual(2);
    const closed = crash.trace.find((record): record is EventOf<'channel-closed'> => record.kind === 'channel-closed' && record.consumer === active);
    expect(closed?.requeued).toContain('m5');
    expect(takeOvers[1]).toBe(`${closed?.t}:${takeOvers[1].split(':')[1]}`);
    expect(takeOvers[1].endsWith(active)).toBe(false);
    // Without it, the three consumers share the queue round-robin.
    const competing = simulate({ family: 'rabbitmq', mode: 'exactly-once', seed: 1, faults: 'none', topology: { consumers: 3 } });
    expect(Object.values(competing.stats.appliedByConsumer).filter((count) => count > 0)).toHaveLength(3);
    expect(activations(competing)).toEqual([]);
  });
});
