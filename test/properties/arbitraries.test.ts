/**
 * The exported arbitraries: every value they generate is valid and within its constraints, and they
 * shrink toward fewer, earlier, simpler faults (what makes a counterexample readable).
 */
import { KAFKA } from '../../models/kafka/family.js';
import { RABBITMQ } from '../../models/rabbitmq/family.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTOR_OF_KIND, FAULT_KINDS, MODE_NAMES, kindsFor, faultArb, faultKey, faultPlanArb, fitRabbitMqSettings, fitSettings, parsePlan, rabbitMqSettingsArb, resolveConfig, resolvePlanConstraints, settingsArb, simulate, simulationInputArb, workloadArb } from '../../index.js';
import type { Fault, FaultPlan } from '../../index.js';
import { FC_SEED, SEED_TAG, fcParams } from './fc-config.js';

const messageNumber = (fault: Fault): number | undefined => ('message' in fault ? Number(fault.message.slice(1)) : undefined);

/** The shrunk counterexample of "no generated plan satisfies `wanted`". */
function shrunkTo(wanted: (plan: FaultPlan) => boolean, arbitrary = faultPlanArb({ workload: { messages: 8, partitions: 2 }, maxFaults: 6 })): Fault[] {
  const details = fc.check(fc.property(arbitrary, (plan) => !wanted(plan)), { seed: FC_SEED, numRuns: 2000 });
  expect(details.failed, 'no generated plan had the wanted shape').toBe(true);
  return details.counterexample?.[0].faults ?? [];
}

describe('faultPlanArb generates valid plans within its constraints', () => {
  it(`every plan parses, has at most maxFaults faults, distinct decision points and in-range fields ${SEED_TAG}`, () => {
    const constraints = { workload: { messages: 5, partitions: 2 }, maxFaults: 7, maxAttempt: 2, faultyPhaseMs: 30 };
    fc.assert(
      fc.property(faultPlanArb(constraints), (plan) => {
        expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
        expect(plan.faults.length).toBeLessThanOrEqual(7);
        expect(new Set(plan.faults.map(faultKey)).size).toBe(plan.faults.length);
        for (const fault of plan.faults) {
          const index = messageNumber(fault);
          if (index !== undefined) expect(index).toBeGreaterThanOrEqual(1);
          if (index !== undefined) expect(index).toBeLessThanOrEqual(5);
          if ('attempt' in fault) expect(fault.attempt).toBeLessThanOrEqual(2);
          if ('delivery' in fault) expect(fault.delivery).toBeLessThanOrEqual(2);
          if ('partition' in fault && typeof fault.partition === 'number') expect(fault.partition).toBeLessThanOrEqual(1);
          if (fault.kind === 'partition') expect(fault.fromMs).toBeLessThan(30);
        }
      }),
      fcParams(),
    );
  });

  it(`kinds, actors, crash points and links narrow what is drawn ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(
        faultPlanArb({ actors: ['consumer', 'network'], consumerCrashPoints: ['after-db-commit'], links: ['consumer-db'], maxFaults: 8 }),
        faultPlanArb({ kinds: ['ack-lost', 'leader-failover'], actors: ['producer'], maxFaults: 8 }),
        (consumerSide, acksOnly) => {
          for (const fault of consumerSide.faults) {
            expect(['consumer', 'network']).toContain(ACTOR_OF_KIND[fault.kind]);
            if (fault.kind === 'consumer-crash') expect(fault.point).toBe('after-db-commit');
            if (fault.kind === 'partition') expect(fault.link).toBe('consumer-db');
          }
          for (const fault of acksOnly.faults) expect(fault.kind).toBe('ack-lost');
        },
      ),
      fcParams(),
    );
  });

  it('draws every kind of the default (Kafka) family when unconstrained (the transaction kinds for a transactional world only), and any kind asked for', () => {
    const seen = new Set(fc.sample(faultArb({}), { seed: FC_SEED, numRuns: 2000 }).map((fault) => fault.kind));
    expect([...seen].sort()).toEqual([...kindsFor('kafka', false)].sort());
    expect(seen.has('zombie-producer')).toBe(false);
    const transactional = new Set(fc.sample(faultArb({ transactions: true }), { seed: FC_SEED, numRuns: 3000 }).map((fault) => fault.kind));
    expect([...transactional].sort()).toEqual([...kindsFor('kafka', true)].sort());
    // A broker cluster's kinds only for a cluster world, naming its brokers.
    const clustered = fc.sample(faultArb({ nodes: 3 }), { seed: FC_SEED, numRuns: 2000 });
    expect([...new Set(clustered.map((fault) => fault.kind))].sort()).toEqual([...kindsFor('kafka', false, true)].sort());
    expect(new Set(clustered.flatMap((fault) => ('broker' in fault ? [fault.broker] : [])))).toEqual(new Set(['B1', 'B2', 'B3']));
    expect([...new Set([...kindsFor('kafka', true), ...kindsFor('kafka', false, true)])].sort()).toEqual([...KAFKA.faultKinds].sort());
    const rabbit = new Set(fc.sample(faultArb({ kinds: RABBITMQ.faultKinds }), { seed: FC_SEED, numRuns: 2000 }).map((fault) => fault.kind));
    expect([...rabbit].sort()).toEqual([...RABBITMQ.faultKinds].sort());
    expect(FAULT_KINDS.every((kind) => KAFKA.faultKinds.includes(kind) || RABBITMQ.faultKinds.includes(kind))).toBe(true);
  });

  it('rejects constraints that make no sense, naming the constraint', () => {
    expect(() => resolvePlanConstraints({ kinds: ['ack-lost', 'nope' as never] })).toThrow(/kinds: unknown value "nope"/);
    expect(() => resolvePlanConstraints({ kinds: [] })).toThrow(/kinds: must not be empty/);
    expect(() => resolvePlanConstraints({ kinds: ['ack-lost'], actors: ['consumer'] })).toThrow(/leave no fault kind/);
    expect(() => resolvePlanConstraints({ maxFaults: -1 })).toThrow(/maxFaults/);
    expect(() => resolvePlanConstraints({ workload: { messages: 0 } })).toThrow(/workload.messages/);
    // Every workload a run accepts (`check --messages 300000` once failed here with an internal error).
    expect(resolvePlanConstraints({ workload: { messages: 10_000_000 } }).messages).toBe(10_000_000);
    expect(() => resolvePlanConstraints({ workload: { messages: 10_000_001 } })).toThrow(/workload.messages/);
    expect(() => resolvePlanConstraints({ faultyPhaseMs: 0 })).toThrow(/faultyPhaseMs/);
    expect(resolvePlanConstraints({}).maxFaults).toBe(4);
  });
});

describe('faultPlanArb shrinks toward fewer, earlier, simpler faults', () => {
  it('a plan with a consumer crash shrinks to the earliest, first-listed crash alone', () => {
    expect(shrunkTo((plan) => plan.faults.some((fault) => fault.kind === 'consumer-crash'))).toEqual([{ kind: 'consumer-crash', message: 'm1', delivery: 1, point: 'after-fetch' }]);
  });

  it('a plan with a partition window shrinks to the shortest window at t=0 on the first link', () => {
    expect(shrunkTo((plan) => plan.faults.some((fault) => fault.kind === 'partition'))).toEqual([{ kind: 'partition', link: 'producer-broker', fromMs: 0, durationMs: 1 }]);
  });

  it('a plan naming m5 shrinks to one fault naming m5, at its first attempt or delivery', () => {
    const shrunk = shrunkTo((plan) => plan.faults.some((fault) => 'message' in fault && fault.message === 'm5'));
    expect(shrunk).toHaveLength(1);
    expect(shrunk[0]).toMatchObject({ message: 'm5' });
    if ('attempt' in shrunk[0]) expect(shrunk[0].attempt).toBe(1);
    if ('delivery' in shrunk[0]) expect(shrunk[0].delivery).toBe(1);
  });

  it('a plan of two faults shrinks to two faults on m1-m2, the simplest kind, first attempts', () => {
    const shrunk = shrunkTo((plan) => plan.faults.length >= 2);
    expect(shrunk).toHaveLength(2);
    // Shrinking is greedy: where the simplest kind would put both faults at one decision point (request-lost m1
    // attempt 1 twice), the other may keep its kind (FC_SEED=101 ends at request-lost + ack-lost of m1, 707 at a
    // producer crash after m1's hand-over + request-lost of m1); one is always the simplest, all on m1-m2, first attempts.
    expect(shrunk.map((fault) => fault.kind)).toContain('request-lost');
    for (const fault of shrunk) {
      expect(messageNumber(fault)).toBeLessThanOrEqual(2);
      if ('attempt' in fault) expect(fault.attempt).toBeLessThanOrEqual(2);
    }
  });
});

describe('config arbitraries produce valid configurations', () => {
  it(`simulationInputArb with settings always passes validation, for every mode ${SEED_TAG}`, () => {
    fc.assert(
      fc.property(simulationInputArb({ withSettings: true }), (input) => {
        const config = resolveConfig(input);
        expect(config.workload.messages).toBeLessThanOrEqual(8);
        expect(MODE_NAMES).toContain(config.mode);
      }),
      fcParams(),
    );
  });

  it(`settingsArb(mode) is valid on top of that mode's preset ${SEED_TAG}`, () => {
    const modeAndSettings = fc.constantFrom(...MODE_NAMES).chain((mode) => settingsArb(mode).map((settings) => ({ mode, settings })));
    fc.assert(
      fc.property(modeAndSettings, ({ mode, settings }) => {
        expect(() => resolveConfig({ mode, seed: 1, settings })).not.toThrow();
      }),
      fcParams(),
    );
  });

  it(`rabbitMqSettingsArb(mode) and simulationInputArb({ family: 'rabbitmq' }) are valid on top of that mode's preset ${SEED_TAG}`, () => {
    const modeAndSettings = fc.constantFrom(...MODE_NAMES).chain((mode) => rabbitMqSettingsArb(mode).map((settings) => ({ mode, settings })));
    fc.assert(
      fc.property(modeAndSettings, ({ mode, settings }) => {
        expect(() => resolveConfig({ family: 'rabbitmq', mode, seed: 1, settings })).not.toThrow();
      }),
      fcParams(),
    );
    fc.assert(
      fc.property(simulationInputArb({ family: 'rabbitmq', withSettings: true, topology: {} }), (input) => {
        expect(resolveConfig(input).family).toBe('rabbitmq');
      }),
      fcParams(),
    );
    expect(() => simulationInputArb({ family: 'pulsar' as never })).toThrow('family: must be one of kafka, rabbitmq, got "pulsar"');
  });

  it('the settings arbitraries reach every setting they name, a Kafka cluster with transactions, and a RabbitMQ quorum queue with a delivery limit', () => {
    const kafka = fc.sample(settingsArb('exactly-once'), { seed: FC_SEED, numRuns: 400 });
    const rabbit = fc.sample(rabbitMqSettingsArb('at-least-once'), { seed: FC_SEED, numRuns: 400 });
    const keysSeen = (samples: readonly object[]): string[] => [...new Set(samples.flatMap((sample) => Object.keys(sample)))].sort();
    expect(keysSeen(kafka)).toEqual(['acks', 'assignor', 'autoOffsetReset', 'commit', 'dbRetries', 'dedup', 'enableIdempotence', 'isolationLevel', 'maxInFlight', 'membership', 'minInsyncReplicas', 'nodes', 'onError', 'processingRetries', 'producerBuffer', 'replicationFactor', 'retries', 'transactions', 'uncleanLeaderElection']);
    expect(keysSeen(rabbit)).toEqual(['autoAck', 'dbRetries', 'deadLetterExchange', 'dedup', 'deliveryAckTimeoutMs', 'deliveryLimit', 'durable', 'mandatory', 'maxLength', 'maxUnconfirmed', 'nodes', 'onError', 'overflow', 'persistent', 'prefetch', 'processingRetries', 'producerBuffer', 'publishRetries', 'publisherConfirms', 'queueType', 'rabbitmqVersion', 'requeueMethod', 'singleActiveConsumer']);
    const kafkaConfigs = kafka.map((settings) => resolveConfig({ mode: 'exactly-once', seed: 1, settings }).settings);
    expect(kafkaConfigs.some((settings) => settings.nodes === 3 && settings.transactions)).toBe(true);
    const rabbitConfigs = rabbit.map((settings) => resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, settings }).settings as unknown as { queueType: string; deliveryLimit: unknown });
    expect(rabbitConfigs.some((settings) => settings.queueType === 'quorum' && typeof settings.deliveryLimit === 'number')).toBe(true);
  });

  it('fitRabbitMqSettings repairs the combinations RabbitMQ refuses, and leaves the rest alone', () => {
    expect(fitRabbitMqSettings('at-least-once', { queueType: 'quorum', durable: false })).toEqual({ queueType: 'quorum', durable: true });
    expect(fitRabbitMqSettings('at-least-once', { queueType: 'classic', deliveryLimit: 2 })).toEqual({ queueType: 'classic' });
    expect(fitRabbitMqSettings('at-least-once', { maxLength: 3, overflow: 'reject-publish', publisherConfirms: false, publishRetries: 2 })).toEqual({ maxLength: 3, overflow: 'reject-publish', publisherConfirms: false, publishRetries: 0 });
    expect(fitRabbitMqSettings('at-least-once', { maxLength: 3, overflow: 'drop-head', publisherConfirms: false, publishRetries: 2 })).toEqual({ maxLength: 3, overflow: 'drop-head', publisherConfirms: false, publishRetries: 2 });
    for (const broken of [{ queueType: 'quorum' as const, durable: false }, { queueType: 'classic' as const, deliveryLimit: 2 }, { maxLength: 3, overflow: 'reject-publish' as const, publisherConfirms: false, publishRetries: 2 }]) {
      expect(() => resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, settings: broken })).toThrow();
    }
  });

  it('fitSettings repairs the combinations Kafka refuses, and leaves the rest alone', () => {
    expect(fitSettings('at-most-once', { enableIdempotence: true })).toEqual({ enableIdempotence: false });
    expect(fitSettings('at-least-once', { replicationFactor: 1 })).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(fitSettings('exactly-once', { acks: 'all', retries: 2 })).toEqual({ acks: 'all', retries: 2 });
    expect(fitSettings('at-least-once', { requestTimeoutMs: 50, deliveryTimeoutMs: 20 })).toEqual({ requestTimeoutMs: 50, deliveryTimeoutMs: 50 });
    expect(fitSettings('at-least-once', { deliveryTimeoutMs: 10 })).toEqual({ deliveryTimeoutMs: 15 });
    expect(fitSettings('at-least-once', { requestTimeoutMs: 200 })).toEqual({ requestTimeoutMs: 200 });
    expect(fitSettings('exactly-once', { retries: 0 })).toEqual({ retries: 0, enableIdempotence: false });
    expect(fitSettings('exactly-once', { retries: 0, transactions: true })).toEqual({ retries: 0, enableIdempotence: false, transactions: false });
    expect(fitSettings('at-least-once', { nodes: 1 })).toEqual({ nodes: 1, replicationFactor: 1, minInsyncReplicas: 1 });
    expect(fitSettings('exactly-once', { nodes: 3, transactions: true })).toEqual({ nodes: 3, transactions: true });
    // The at-least-once preset's producer is not idempotent.
    expect(fitSettings('at-least-once', { nodes: 3, transactions: true })).toEqual({ nodes: 3, transactions: false });
  });

  it('workloadArb respects its maxima and shrinks toward one message', () => {
    for (const workload of fc.sample(workloadArb({ maxMessages: 3, maxKeys: 2, maxPartitions: 1, produceIntervalsMs: [0.5] }), { seed: FC_SEED, numRuns: 200 })) {
      expect(workload.messages).toBeLessThanOrEqual(3);
      expect(workload.keys).toBeLessThanOrEqual(2);
      expect(workload.partitions).toBe(1);
      expect(workload.produceIntervalMs).toBe(0.5);
    }
    const details = fc.check(fc.property(workloadArb(), () => false), { seed: FC_SEED });
    expect(details.counterexample?.[0]).toMatchObject({ messages: 1, keys: 1, partitions: 1 });
    expect(() => workloadArb({ maxMessages: 0 })).toThrow(/maxMessages/);
  });
});

describe('plans in fast-check failure reports', () => {
  it('print in domain words beside their JSON, and the words are not part of the plan', () => {
    const details = fc.check(
      fc.property(faultPlanArb({ maxFaults: 3, kinds: ['ack-lost', 'request-lost'] }), (plan) => simulate({ mode: 'at-most-once', seed: 1, faults: plan }).invariants.loss.holds),
      { seed: 5, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const report = fc.defaultReportMessage(details) ?? '';
    expect(report).toMatch(/Counterexample: \[1 fault: the produce request for m\d+ \(attempt 1\) is lost before reaching the broker \{"version":1,"faults":\[/);
    const [plan] = details.counterexample ?? [];
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(Object.keys(plan as object)).toEqual(['version', 'faults']);
  });
});
