/**
 * Timeouts no answer can meet (models/answer-waits.ts): each family's bound is a true lower bound (with the timeout
 * just under it no answer is ever in time, over several seeds, in a world without faults), the words name the flag,
 * and a run that did not settle names the timeout in its liveness witness.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, runSimulation, toFaultSource } from '../../index.js';
import type { SimulationInput } from '../../index.js';
import { quickestMs } from '../../models/answer-waits.js';
import { familyOf, hopelessTimeouts } from '../../models/families.js';

const under = (ms: number): number => Math.round((ms - 0.05) * 1000) / 1000;

function config(input: Partial<SimulationInput>) {
  return resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 8 }, limits: { maxVirtualTimeMs: 400 }, ...input });
}

function quickest(input: Partial<SimulationInput>, key: string): number {
  const resolved = config(input);
  const wait = familyOf(resolved).answerWaits(resolved).find((item) => item.key === key);
  if (wait === undefined) throw new Error(`no wait on ${key}`);
  return quickestMs(resolved, wait);
}

/** Answers that came in time: a produce acknowledgement (Kafka's 'acked') or a confirm (RabbitMQ's 'publish-confirmed'). */
function answered(input: Partial<SimulationInput>, seed: number): number {
  const result = runSimulation({ ...config(input), seed }, toFaultSource('none'));
  return result.trace.filter((record) => record.kind === 'acked' || record.kind === 'publish-confirmed').length;
}

describe('timeouts no answer can meet', () => {
  const cases: { name: string; input: Partial<SimulationInput>; key: string; flag: string }[] = [
    { name: 'Kafka, one broker actor', input: {}, key: 'requestTimeoutMs', flag: 'request-timeout-ms' },
    { name: 'Kafka, a cluster of 3', input: { settings: { nodes: 3 } }, key: 'requestTimeoutMs', flag: 'request-timeout-ms' },
    { name: 'RabbitMQ quorum queue on 3 nodes', input: { family: 'rabbitmq', settings: { replicationDelayMs: 4 } }, key: 'confirmTimeoutMs', flag: 'confirm-timeout-ms' },
    { name: 'RabbitMQ durable classic queue, persistent', input: { family: 'rabbitmq', settings: { queueType: 'classic', persistDelayMs: 3 } }, key: 'confirmTimeoutMs', flag: 'confirm-timeout-ms' },
    { name: 'RabbitMQ transient classic queue', input: { family: 'rabbitmq', settings: { queueType: 'classic', durable: false, persistent: false } }, key: 'confirmTimeoutMs', flag: 'confirm-timeout-ms' },
  ];
  for (const { name, input, key, flag } of cases) {
    it(`${name}: just under the quickest answer, none comes in time; the words name --${flag}`, () => {
      const timeout = under(quickest(input, key));
      const withTimeout = { ...input, settings: { ...input.settings, [key]: timeout } };
      for (const seed of [1, 2, 3]) expect(answered(withTimeout, seed)).toBe(0);
      // With the preset's timeout the same world's answers do come (what `answered` counts is there to count).
      expect(answered(input, 1)).toBeGreaterThan(0);
      const words = hopelessTimeouts(config(withTimeout));
      expect(words).toHaveLength(1);
      expect(words[0]).toMatch(new RegExp(`^--${flag} ${timeout} is shorter than the quickest .* can come \\(${quickest(input, key)} ms: twice --latency-ms-min`));
      // At the bound itself nothing is named.
      expect(hopelessTimeouts(config({ ...input, settings: { ...input.settings, [key]: quickest(input, key) } }))).toEqual([]);
    });
  }

  it('names the quorum replication and disk waits that make up a confirm', () => {
    const quorum = config({ family: 'rabbitmq', settings: { replicationDelayMs: 4, confirmTimeoutMs: 1 } });
    expect(hopelessTimeouts(quorum)[0]).toContain('(4.4 ms: twice --latency-ms-min, plus --replication-delay-ms to reach a majority of the quorum queue)');
    const classic = config({ family: 'rabbitmq', settings: { queueType: 'classic', persistDelayMs: 3, confirmTimeoutMs: 1 } });
    expect(hopelessTimeouts(classic)[0]).toContain('(3.4 ms: twice --latency-ms-min, plus --persist-delay-ms to write a persistent message to disk)');
  });

  it('a wait that is not made names nothing: acks=0 awaits no acknowledgement, no confirms no confirm', () => {
    expect(hopelessTimeouts(config({ mode: 'at-most-once', settings: { requestTimeoutMs: 0.1 } }))).toEqual([]);
    expect(hopelessTimeouts(config({ family: 'rabbitmq', settings: { publisherConfirms: false, confirmTimeoutMs: 0.1 } }))).toEqual([]);
  });

  it("the consumer's call timeout too, in both families", () => {
    for (const family of ['kafka', 'rabbitmq'] as const) {
      const words = hopelessTimeouts(config({ family, settings: { consumerTimeoutMs: 0.3 } }));
      expect(words).toEqual(['--consumer-timeout-ms 0.3 is shorter than the quickest broker or DB reply can come (0.4 ms: twice --latency-ms-min), so every call the consumer makes times out before its reply arrives']);
    }
  });

  it('a timeout most answers miss is named only when a run did not settle, never as a note before it', () => {
    // RabbitMQ with a 36.4 ms latency ceiling: confirms take 37.6 ms on average against a 15 ms timeout.
    const slow = config({ family: 'rabbitmq', mode: 'at-least-once', timing: { latencyMsMax: 36.4 }, workload: { messages: 6 }, limits: { maxVirtualTimeMs: 2000 } });
    expect(hopelessTimeouts(slow)).toEqual([]);
    expect(hopelessTimeouts(slow, true)).toEqual([
      '--confirm-timeout-ms 15 is shorter than the average publisher confirm takes (37.6 ms: --latency-ms-min + --latency-ms-max, plus --replication-delay-ms to reach a majority of the quorum queue), so most publishes time out before their confirm arrives and are published again',
      '--consumer-timeout-ms 10 is shorter than the average broker or DB reply takes (36.6 ms: --latency-ms-min + --latency-ms-max), so most calls the consumer makes time out before their reply arrives',
    ]);
    const stuck = runSimulation(slow, toFaultSource('none'));
    expect(stuck.invariants.liveness.status).toBe('VIOLATED');
    expect(stuck.invariants.liveness.witnesses[0].summary).toContain('; --confirm-timeout-ms 15 is shorter than the average publisher confirm takes');
  });

  it("a run that did not settle names the timeout in its liveness witness; a settled run's verdicts are untouched", () => {
    const stuck = runSimulation(config({ settings: { requestTimeoutMs: 0.1 } }), toFaultSource('none'));
    expect(stuck.invariants.liveness.status).toBe('VIOLATED');
    const summary = stuck.invariants.liveness.witnesses[0].summary;
    expect(summary).toContain('it hit the limit of 400 ms of virtual time');
    expect(summary).toContain('; --request-timeout-ms 0.1 is shorter than the quickest');
    const healthy = runSimulation(config({}), toFaultSource('none'));
    expect(healthy.invariants.liveness.witnesses).toEqual([]);
  });
});
