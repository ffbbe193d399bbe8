/**
 * A run watched for its progress (RunObservers.progress, what a long CLI run's progress line reads): told every N
 * events how many messages the groups have applied so far, counted once per group, and the run itself unchanged.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, runSimulation, toFaultSource } from '../../models/engine.js';
import type { RunProgress, SimulationInput } from '../../models/engine.js';

const WORLDS: Record<string, SimulationInput> = {
  'Kafka, two groups of two': { mode: 'at-least-once', seed: 3, workload: { messages: 300 }, topology: { groups: 2, consumers: 2 } },
  'a Kafka cluster of three brokers': { mode: 'exactly-once', seed: 4, workload: { messages: 200 }, settings: { nodes: 3 } },
  'RabbitMQ, two queues': { family: 'rabbitmq', mode: 'at-least-once', seed: 5, workload: { messages: 300 }, topology: { groups: 2 } },
};

describe('a run watched for its progress', () => {
  for (const [name, input] of Object.entries(WORLDS)) {
    it(`${name}: applied messages per group, never backwards, up to what the effects show; the run unchanged`, () => {
      const config = resolveConfig(input);
      const plain = runSimulation(config, toFaultSource('default'));
      const reports: RunProgress[] = [];
      const watched = runSimulation(config, toFaultSource('default'), { progress: { everyEvents: 1, report: (progress) => reports.push(progress) } });
      expect(watched.traceHash()).toBe(plain.traceHash());
      expect(watched.stats.events).toBe(plain.stats.events);
      expect(watched.verdict).toBe(plain.verdict);
      expect(reports.map((report) => report.events)).toEqual(Array.from({ length: plain.stats.events }, (_, index) => index + 1));
      const groups = config.topology.groups;
      expect(new Set(reports.map((report) => report.total))).toEqual(new Set([config.workload.messages * groups]));
      for (let index = 1; index < reports.length; index++) {
        expect(reports[index].applied).toBeGreaterThanOrEqual(reports[index - 1].applied);
        expect(reports[index].virtualTimeMs).toBeGreaterThanOrEqual(reports[index - 1].virtualTimeMs);
      }
      // After the last event: every (group, message) with an effect, each once however often it was applied.
      const distinct = new Set(watched.effects.map((effect) => `${effect.group}/${effect.msgId}`)).size;
      expect(reports.at(-1)?.applied).toBe(distinct);
      expect(watched.effects.length).toBeGreaterThanOrEqual(distinct);
      expect(reports.at(-1)?.virtualTimeMs).toBe(plain.stats.virtualTimeMs);
    });
  }

  it('is told every 65,536 events by default', () => {
    const config = resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 6000 } });
    const events: number[] = [];
    const result = runSimulation(config, toFaultSource('none'), { progress: { report: (progress) => events.push(progress.events) } });
    expect(events).toEqual(Array.from({ length: Math.floor(result.stats.events / 65_536) }, (_, index) => 65_536 * (index + 1)));
    expect(events.length).toBeGreaterThan(0);
  });
});
