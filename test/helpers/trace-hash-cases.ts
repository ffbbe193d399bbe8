/**
 * The runs whose trace hashes are pinned in test/fixtures/trace-hashes.json. They guard performance work
 * on sim/ and models/: an optimisation must leave every trace byte for byte the same. The cases cover every
 * mode over many seeds plus the settings and fault mixes that reach the rarer code paths (failover with
 * acks=1, auto-commit, separate-transaction dedup, memory buffers, chaos rates, a long workload).
 */
import { MODE_NAMES } from '../../models/config.js';
import type { DeliverySettings, FamilyName, ModeName, TimingSettings, TopologySettings, WorkloadSettings } from '../../models/config.js';
import { simulate } from '../../models/engine.js';
import { FAULT_PRESETS } from '../../models/faults/catalog.js';
import type { FaultsInput } from '../../models/engine.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';

export interface HashCase {
  name: string;
  mode: ModeName;
  seed: number;
  /** The broker family (absent: kafka). */
  family?: FamilyName;
  faults: FaultsInput;
  settings?: Partial<DeliverySettings>;
  workload?: Partial<WorkloadSettings>;
  topology?: Partial<TopologySettings>;
  timing?: Partial<TimingSettings>;
}

export function traceHashCases(): HashCase[] {
  const cases: HashCase[] = [];
  for (const mode of MODE_NAMES) {
    for (let seed = 1; seed <= 300; seed++) cases.push({ name: `default/${mode}/${seed}`, mode, seed, faults: 'default' });
    for (let seed = 1; seed <= 40; seed++) cases.push({ name: `chaos/${mode}/${seed}`, mode, seed, faults: 'chaos' });
    // The RabbitMQ family's presets under both rate presets (its scenarios are pinned below with Kafka's).
    for (let seed = 1; seed <= 20; seed++) cases.push({ name: `rabbitmq/default/${mode}/${seed}`, mode, seed, family: 'rabbitmq', faults: 'default' });
    for (let seed = 1; seed <= 10; seed++) cases.push({ name: `rabbitmq/chaos/${mode}/${seed}`, mode, seed, family: 'rabbitmq', faults: 'chaos' });
    for (const scenario of SCENARIOS) {
      for (let seed = 1; seed <= 3; seed++) {
        const family = scenario.family === undefined ? {} : { family: scenario.family };
        cases.push({ name: `scenario:${scenario.name}/${mode}/${seed}`, mode, seed, ...family, faults: scenario.faults, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing });
      }
    }
  }
  const variants: Record<string, Partial<DeliverySettings>> = {
    'acks-1': { acks: 1 },
    'auto-commit': { commit: 'auto', processingMs: 3 },
    'separate-dedup': { dedup: 'separate-transaction' },
    'memory-buffer': { producerBuffer: 'memory' },
    'in-flight-1': { maxInFlight: 1 },
    'rf-1': { replicationFactor: 1, minInsyncReplicas: 1 },
  };
  for (const [name, settings] of Object.entries(variants)) {
    for (let seed = 1; seed <= 30; seed++) cases.push({ name: `variant:${name}/at-least-once/${seed}`, mode: 'at-least-once', seed, faults: 'chaos', settings });
  }
  for (const mode of MODE_NAMES) {
    for (let seed = 1; seed <= 2; seed++) cases.push({ name: `long/${mode}/${seed}`, mode, seed, faults: 'default', workload: { messages: 1000, keys: 16, partitions: 4 } });
  }
  // Topologies, membership and failing handlers: consumer groups rebalancing under chaos, pub/sub with several
  // producers, dynamic members, and processing errors drawn at a rate (retried, skipped or dead-lettered).
  const withErrors = { ...FAULT_PRESETS.default, 'processing-error': 0.1 };
  for (const mode of MODE_NAMES) {
    for (let seed = 1; seed <= 10; seed++) {
      cases.push({ name: `topology:consumers-3/${mode}/${seed}`, mode, seed, faults: 'chaos', workload: { partitions: 6 }, topology: { consumers: 3 } });
      cases.push({ name: `topology:groups-2-producers-2/${mode}/${seed}`, mode, seed, faults: 'default', topology: { groups: 2, producers: 2, consumers: 2 } });
      cases.push({ name: `variant:processing-errors/${mode}/${seed}`, mode, seed, faults: withErrors });
    }
  }
  for (let seed = 1; seed <= 10; seed++) cases.push({ name: `variant:dynamic-membership/at-least-once/${seed}`, mode: 'at-least-once', seed, faults: 'chaos', settings: { membership: 'dynamic' }, topology: { consumers: 3 } });
  return cases;
}

export function computeTraceHashes(): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const item of traceHashCases()) {
    const result = simulate({ mode: item.mode, seed: item.seed, ...(item.family === undefined ? {} : { family: item.family }), faults: item.faults, settings: item.settings, workload: item.workload, topology: item.topology, timing: item.timing });
    hashes[item.name] = result.traceHash();
  }
  return hashes;
}
