/**
 * What a run needs: the broker family, the mode, the seed, and every setting (the family's clients and brokers,
 * the consumer application, the workload, timing and limits). A mode preset plus overrides becomes one of these
 * (see resolveConfig); every field is described by a SettingSpec row, which validation reads.
 */
import type { KafkaSettings } from './kafka/settings.js';
import type { ModeName } from './modes.js';
import { workloadDurationMs } from './settings/common.js';
import type { Limits, TimingSettings, WorkloadSettings } from './settings/common.js';
import type { TopologySettings } from './topology.js';

export type FamilyName = 'kafka' | 'rabbitmq';
export const FAMILY_NAMES: readonly FamilyName[] = ['kafka', 'rabbitmq'];

/**
 * Every delivery setting of a run: its family's client and broker settings and the consumer application's. Typed
 * as Kafka's, which the shared parts and the Kafka reports read; a RabbitMQ config carries RabbitMqSettings in the
 * same record, and the RabbitMQ family reads it through that type (models/rabbitmq/settings.ts).
 */
export type DeliverySettings = KafkaSettings;

export interface SimulationConfig {
  family: FamilyName;
  mode: ModeName;
  seed: number;
  settings: DeliverySettings;
  workload: WorkloadSettings;
  topology: TopologySettings;
  timing: TimingSettings;
  limits: Limits;
}

export const DEFAULT_WORKLOAD: WorkloadSettings = { messages: 40, keys: 4, partitions: 2, produceIntervalMs: 2, burst: 0 };

/**
 * The default limits. progressTimeoutMs is derived from the other settings when not given, and maxVirtualTimeMs
 * is this floor or more when the progress timeout is long (see resolveConfig).
 */
export const DEFAULT_LIMITS: Omit<Limits, 'progressTimeoutMs'> = { maxEvents: 2_000_000, maxVirtualTimeMs: 120_000 };

export function defaultTiming(workload: WorkloadSettings): TimingSettings {
  return {
    faultyPhaseMs: workloadDurationMs(workload) + 50,
    latencyMsMin: 0.2,
    latencyMsMax: 1,
    restartDelayMs: 15,
    brokerRestartDelayMs: 40,
  };
}

/** Virtual ms (possibly fractional) to the kernel's integer microseconds. */
export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}

export { ConfigError } from './config-error.js';
export { MODE_NAMES } from './modes.js';
export type { ModeName } from './modes.js';
export { COMMIT_STRATEGIES, PRODUCER_BUFFERS } from './kafka/settings.js';
export type { Acks, CommitStrategy, ProducerBuffer } from './kafka/settings.js';
export { DEDUP_STRATEGIES } from './settings/common.js';
export type { DedupStrategy, Limits, TimingSettings, WorkloadSettings } from './settings/common.js';
export { DEFAULT_TOPOLOGY } from './topology.js';
export type { TopologySettings } from './topology.js';
