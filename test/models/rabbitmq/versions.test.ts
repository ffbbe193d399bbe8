/**
 * Where RabbitMQ releases differ (--rabbitmq-version), as "Quorum Queues" documents it: 3.x quorum queues have no
 * default x-delivery-limit and 4.0 made it 20; up to 4.2 every return counts toward it, while 4.3 counts only
 * failed deliveries (basic.reject requeue=true, a lost connection), not a basic.nack requeue=true.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, simulate } from '../../../models/engine.js';
import type { SimulationResult } from '../../../models/engine.js';
import type { EventOf } from '../../../models/events.js';
import type { RabbitMqSettings } from '../../../models/rabbitmq/settings.js';
import { explainInvariant } from '../../../reports/story.js';
import { explore } from '../../../properties/explore.js';

const run = (settings: Partial<RabbitMqSettings>, faults: unknown, mode: 'at-least-once' | 'exactly-once' = 'at-least-once'): SimulationResult =>
  simulate({ family: 'rabbitmq', mode, seed: 1, settings, workload: { messages: 6, keys: 2 }, faults: faults as never });

const poison = { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }] };
const limited = { onError: 'retry' as const, deliveryLimit: 3 };

function deliveriesOf(result: SimulationResult, msg: string): [boolean, number][] {
  return result.trace.filter((record): record is EventOf<'basic-deliver'> => record.kind === 'basic-deliver' && record.msg === msg).map((record) => [record.redelivered, record.deliveryCount]);
}

describe('--rabbitmq-version', () => {
  it('defaults to 4.2, whose quorum queues have x-delivery-limit 20; 3.x has none; a classic queue never has one', () => {
    const settingsOf = (input: Record<string, unknown>) => resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, ...input } as never).settings as unknown as RabbitMqSettings;
    expect(settingsOf({})).toMatchObject({ rabbitmqVersion: '4.2', deliveryLimit: 20, requeueMethod: 'nack' });
    expect(settingsOf({ settings: { rabbitmqVersion: '4.0' } }).deliveryLimit).toBe(20);
    expect(settingsOf({ settings: { rabbitmqVersion: '3.13' } }).deliveryLimit).toBe('unlimited');
    expect(settingsOf({ settings: { rabbitmqVersion: '3.8', queueType: 'classic' } }).deliveryLimit).toBe('unlimited');
    expect(settingsOf({ settings: { rabbitmqVersion: '4.3', queueType: 'classic' } }).deliveryLimit).toBe('unlimited');
    expect(() => settingsOf({ settings: { rabbitmqVersion: '5.0' } })).toThrow(/rabbitmqVersion/);
    expect(() => settingsOf({ settings: { requeueMethod: 'drop' } })).toThrow(/requeueMethod/);
  });

  it('up to 4.2 a basic.nack requeue=true counts: x-delivery-limit 3 dead-letters the poison message after 4 deliveries', () => {
    for (const rabbitmqVersion of ['3.13', '4.2'] as const) {
      const result = run({ ...limited, rabbitmqVersion }, poison);
      expect(deliveriesOf(result, 'm3')).toEqual([[false, 0], [true, 1], [true, 2], [true, 3]]);
      expect(result.parked.count).toBe(1);
      expect(result.verdict).toBe('ok');
    }
  });

  it('4.3 does not count a basic.nack requeue=true: x-delivery-count stays 0 and the message is redelivered until liveness breaks', () => {
    const result = run({ ...limited, rabbitmqVersion: '4.3' }, poison);
    const deliveries = deliveriesOf(result, 'm3');
    expect(deliveries.length).toBeGreaterThan(100);
    expect(new Set(deliveries.slice(1).map(([redelivered, count]) => `${redelivered}/${count}`))).toEqual(new Set(['true/0']));
    expect(result.parked.count).toBe(0);
    expect(result.invariants.liveness.status).toBe('VIOLATED');
    expect(result.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
    // The story names the release, the method and the remedy, not a partition or a producer that never sent it.
    const [loss] = explainInvariant(result, 'loss');
    expect(loss.mechanism).toBe('basic.nack requeue=true on RabbitMQ 4.3: never counted toward x-delivery-limit, redelivered forever');
    expect(loss.text).toContain('x-delivery-count stayed at 0, so the limit never dead-lettered it (--requeue-method reject would have, after 4 deliveries)');
    const [liveness] = explainInvariant(result, 'liveness');
    expect(liveness.text).toContain('handing it back with basic.nack requeue=true each time, so the queue redelivered it again and again: RabbitMQ 4.3 counts only failed deliveries');
    expect(liveness.text).not.toContain('partition');
  });

  it('4.3 counts a basic.reject requeue=true: --requeue-method reject dead-letters after 4 deliveries, traced and drawn as basic.reject', () => {
    const result = run({ ...limited, rabbitmqVersion: '4.3', requeueMethod: 'reject' }, poison);
    expect(deliveriesOf(result, 'm3')).toEqual([[false, 0], [true, 1], [true, 2], [true, 3]]);
    const settled = result.trace.filter((record): record is EventOf<'basic-nack'> => record.kind === 'basic-nack' && record.msg === 'm3');
    expect(settled.map((record) => [record.requeue, record.method])).toEqual([[true, 'reject'], [true, 'reject'], [true, 'reject'], [true, 'reject']]);
    expect(result.parked.count).toBe(1);
    expect(result.parked.witnesses[0].summary).toContain('more than x-delivery-limit 3 times (rejected with requeue=true, or unacknowledged when its channel closed)');
    expect(result.verdict).toBe('ok');
  });

  it('4.3 still counts a return on a lost connection (a client crash or connection loss is a failed delivery)', () => {
    const ackLost = { version: 1, faults: [{ kind: 'consumer-ack-lost', message: 'm3', delivery: 1 }] };
    for (const rabbitmqVersion of ['4.2', '4.3'] as const) {
      const result = run({ rabbitmqVersion }, ackLost);
      expect(deliveriesOf(result, 'm3')).toEqual([[false, 0], [true, 1]]);
    }
  });

  it('a message waiting behind a requeue loop with prefetch 1 is told as stuck behind it, not as never sent', () => {
    const result = run({ ...limited, rabbitmqVersion: '4.3' }, poison, 'exactly-once');
    const stories = explainInvariant(result, 'loss');
    expect(stories.map((story) => story.msg)).toEqual(['m3', 'm4', 'm5', 'm6']);
    for (const story of stories.slice(1)) {
      expect(story.mechanism).toBe('stuck behind a message requeued forever');
      expect(story.text).toContain("m3, ahead of it, went back to the head of the queue again and again");
      expect(story.text).toContain("with prefetch 1 it took the consumer's one unacknowledged delivery every time");
    }
  });
});

describe('consumer_timeout (--delivery-ack-timeout-ms)', () => {
  const slow = { processingMs: 40, deliveryAckTimeoutMs: 25, prefetch: 1 };
  const timeoutsOf = (result: SimulationResult) => result.trace.filter((record): record is EventOf<'delivery-ack-timeout'> => record.kind === 'delivery-ack-timeout');

  it('defaults to 30 minutes (1800, scaled), which no healthy run comes near, and does not stretch the progress timeout', () => {
    const config = resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1 });
    expect((config.settings as unknown as RabbitMqSettings).deliveryAckTimeoutMs).toBe(1800);
    expect(config.limits.progressTimeoutMs).toBe(5000);
    expect(timeoutsOf(run({}, 'none'))).toEqual([]);
  });

  it('up to 4.2: a delivery unacknowledged past it closes the channel; the delivery is requeued, processed again, and its late basic.ack is void', () => {
    const result = run(slow, 'none');
    const [first] = timeoutsOf(result);
    expect(first).toMatchObject({ msg: 'm1', consumer: 'g1/c1', channel: 1, timeoutMs: 25, cancelled: false });
    // The close requeues m1 at once, the consumer opens a new channel, and gets m1 again with redelivered=true.
    expect(result.trace.some((record) => record.kind === 'channel-closed' && record.t === first.t && record.channel === 1 && record.requeued.includes('m1'))).toBe(true);
    expect(result.trace.some((record) => record.kind === 'connection-lost' && record.reason === 'ack-timeout' && record.channel === 1)).toBe(true);
    expect(deliveriesOf(result, 'm1').slice(0, 3)).toEqual([[false, 0], [true, 1], [true, 2]]);
    // The first processing finished after the close: applied, and no basic.ack was sent on the dead channel.
    expect(result.effects.filter((effect) => effect.msgId === 'm1').length).toBeGreaterThan(1);
    expect(result.trace.filter((record) => record.kind === 'basic-ack' && record.msg === 'm1' && record.t > first.t && record.t < first.t + 15_000)).toEqual([]);
    expect(result.invariants.duplicates.status).toBe('broken, as expected');
    const [story] = explainInvariant(result, 'duplicates');
    expect(story.mechanism).toBe('unacked past consumer_timeout: redelivered');
    expect(story.text).toMatch(/its delivery \(received at t=[\d.]+ ms\) stayed unacknowledged past consumer_timeout \(25 ms\), so the broker closed its channel \(PRECONDITION_FAILED\)/);
    // An idempotent consumer absorbs it.
    expect(run(slow, 'none', 'exactly-once').invariants.duplicates.status).toBe('holds');
  });

  it('4.3: only quorum queues enforce it, the consumer is cancelled, and its returns do not count toward x-delivery-limit', () => {
    const quorum = run({ ...slow, rabbitmqVersion: '4.3', deliveryLimit: 3 }, 'none');
    expect(timeoutsOf(quorum)[0]).toMatchObject({ msg: 'm1', cancelled: true });
    const counts = deliveriesOf(quorum, 'm1').map(([, count]) => count);
    expect(counts.length).toBeGreaterThan(4);
    expect(new Set(counts)).toEqual(new Set([0]));
    expect(quorum.parked.count).toBe(0);
    // Up to 4.2 the same returns count: dead-lettered after 3 of them.
    expect(deliveriesOf(run({ ...slow, rabbitmqVersion: '4.2', deliveryLimit: 3 }, 'none'), 'm1').map(([, count]) => count)).toEqual([0, 1, 2, 3]);
    expect(timeoutsOf(run({ ...slow, rabbitmqVersion: '4.3', queueType: 'classic', durable: true, deliveryLimit: 'unlimited' }, 'none'))).toEqual([]);
    expect(timeoutsOf(run({ ...slow, rabbitmqVersion: '4.2', queueType: 'classic', durable: true, deliveryLimit: 'unlimited' }, 'none')).length).toBeGreaterThan(0);
  });

  it('0 turns it off; autoAck has nothing unacknowledged to time out', () => {
    expect(timeoutsOf(run({ ...slow, deliveryAckTimeoutMs: 0 }, 'none'))).toEqual([]);
    expect(timeoutsOf(run({ ...slow, autoAck: true }, 'none'))).toEqual([]);
  });
});

describe('dead-letter-strategy and an unavailable dead-letter queue', () => {
  const poisonWhileDown = { version: 1, faults: [{ kind: 'processing-error', message: 'm3', deliveries: 'always' }, { kind: 'dead-letter-unavailable', message: 'm3', durationMs: 20 }] };
  const kinds = (result: SimulationResult) => result.trace.filter((record) => record.kind.startsWith('dead-letter-')).map((record) => record.kind);

  it('the at-least-once and exactly-once presets dead-letter at least once (a quorum queue, x-overflow=reject-publish): m3 is kept until the queue is back, then parked', () => {
    for (const mode of ['at-least-once', 'exactly-once'] as const) {
      const config = resolveConfig({ family: 'rabbitmq', mode, seed: 1 });
      expect(config.settings as unknown as RabbitMqSettings).toMatchObject({ overflow: 'reject-publish', deadLetterStrategy: 'at-least-once' });
      const result = run({}, poisonWhileDown, mode);
      expect(kinds(result)).toEqual(['dead-letter-retained', 'dead-letter-forwarded']);
      const retained = result.trace.find((record): record is EventOf<'dead-letter-retained'> => record.kind === 'dead-letter-retained');
      const forwarded = result.trace.find((record) => record.kind === 'dead-letter-forwarded');
      expect(forwarded?.t).toBe(retained?.untilUs);
      expect(result.parked.witnesses.map((witness) => witness.msg)).toEqual(['m3']);
      expect(result.verdict).toBe('ok');
    }
  });

  it("at-most-once (RabbitMQ's default, and the only strategy before 3.10) loses m3, and the story says why and what keeps it", () => {
    const lost = run({ deadLetterStrategy: 'at-most-once' }, poisonWhileDown);
    expect(kinds(lost)).toEqual(['dead-letter-lost']);
    expect(lost.parked.count).toBe(0);
    const [story] = explainInvariant(lost, 'loss');
    expect(story.mechanism).toBe('dead-lettered at most once: the dead-letter queue could not take it');
    expect(story.text).toContain('with dead-letter-strategy=at-most-once (RabbitMQ\'s default) the queue had already forgotten it');
    const old = run({ rabbitmqVersion: '3.9' }, poisonWhileDown);
    expect((old.config.settings as unknown as RabbitMqSettings).deadLetterStrategy).toBe('at-most-once');
    expect(old.invariants.loss.status).toBe('VIOLATED');
  });

  it('explore pairs the two faults a random search does not: a poison message and the dead-letter queue down at its dead-lettering', () => {
    const config = resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, settings: { deadLetterStrategy: 'at-most-once' }, workload: { messages: 2 } } as never);
    const losses = explore({ config, maxFaults: 2 }).breaks.filter((found) => found.invariant === 'loss');
    expect(losses.map((found) => found.cause)).toEqual(expect.arrayContaining(['processing-error always + dead-letter-unavailable']));
    for (const found of losses) expect(found.plan.faults.map((fault) => fault.kind)).toContain('dead-letter-unavailable');
    // The presets' at-least-once strategy: the same search finds no loss at all.
    expect(explore({ config: resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, workload: { messages: 2 } } as never), maxFaults: 2 }).breaks.filter((found) => found.invariant === 'loss')).toEqual([]);
  });

  it('refuses at-least-once where RabbitMQ would silently fall back to at-most-once', () => {
    const settingsOf = (settings: Record<string, unknown>) => resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, settings } as never);
    for (const settings of [{ queueType: 'classic', deliveryLimit: 'unlimited' }, { overflow: 'drop-head' }, { deadLetterExchange: false }, { rabbitmqVersion: '3.9' }]) {
      expect(() => settingsOf({ ...settings, deadLetterStrategy: 'at-least-once' }), JSON.stringify(settings)).toThrow(/deadLetterStrategy/);
      expect((settingsOf(settings).settings as unknown as RabbitMqSettings).deadLetterStrategy).toBe('at-most-once');
    }
  });
});
