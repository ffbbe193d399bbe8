import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../models/engine.js';
import { outsideWorld } from '../../models/plan-fit.js';
import { resolveConfig } from '../../models/resolve.js';
import type { Fault } from '../../models/faults/catalog.js';

describe('outsideWorld: a plan fault this world can never match, and why', () => {
  const kafka = resolveConfig({ mode: 'at-least-once', seed: 1, workload: { messages: 20, partitions: 2 } });

  it('names a message past the workload and a partition the topic lacks', () => {
    expect(outsideWorld({ kind: 'leader-failover', message: 'm21' }, kafka)).toBe('the workload hands over m1..m20 only');
    expect(outsideWorld({ kind: 'fetch-lost', partition: 2, fromOffset: 0, attempt: 1 }, kafka)).toBe('the topic has partitions 0..1 only');
  });

  it('says nothing of a fault the run decides (a point it may not reach)', () => {
    expect(outsideWorld({ kind: 'leader-failover', message: 'm20' }, kafka)).toBeUndefined();
    expect(outsideWorld({ kind: 'request-lost', message: 'm3', attempt: 7 }, kafka)).toBeUndefined();
    expect(outsideWorld({ kind: 'fetch-lost', partition: 1, fromOffset: 999, attempt: 1 }, kafka)).toBeUndefined();
    expect(outsideWorld({ kind: 'partition', link: 'consumer-db', fromMs: 5000, durationMs: 5 }, kafka)).toBeUndefined();
  });

  it('agrees with the run: every fault it names never matches, in both families', () => {
    const rabbit = resolveConfig({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, workload: { messages: 20 } });
    const cases: [typeof kafka, Fault[]][] = [
      [kafka, [{ kind: 'leader-failover', message: 'm21' }, { kind: 'fetch-lost', partition: 2, fromOffset: 0, attempt: 1 }, { kind: 'ack-lost', message: 'm40', attempt: 1 }]],
      [rabbit, [{ kind: 'confirm-lost', message: 'm21', attempt: 1 }, { kind: 'broker-restart', message: 'm99' }]],
    ];
    for (const [config, faults] of cases) {
      for (const fault of faults) expect(outsideWorld(fault, config), JSON.stringify(fault)).toBeDefined();
      expect(runSimulation(config, { plan: { version: 1, faults } }).unusedPlanFaults).toEqual(faults);
    }
  });
});
