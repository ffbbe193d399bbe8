/** Every broker family, by name. */
import { hopelessWaits } from './answer-waits.js';
import type { DeliverySettings, FamilyName, SimulationConfig } from './config.js';
import type { Family } from './family.js';
import { FAULT_KINDS } from './faults/catalog.js';
import type { FaultKind } from './faults/catalog.js';
import { TRANSACTION_FAULT_KINDS } from './kafka/transaction-faults.js';
import { CLUSTER_FAULT_KINDS } from './kafka/cluster-faults.js';
import type { ModeName, ModePreset } from './modes.js';
import { KAFKA } from './kafka/family.js';
import { RABBITMQ } from './rabbitmq/family.js';

export const FAMILIES: Record<FamilyName, Family> = { kafka: KAFKA, rabbitmq: RABBITMQ };

export function familyOf(config: { family: FamilyName }): Family {
  return FAMILIES[config.family];
}

/**
 * The config's timeouts that can never be met, in words (see models/answer-waits.ts): a run with one never settles,
 * and the CLI says so before it starts. With `likely`, also those most answers miss: the liveness witness of a run
 * that did not settle names both.
 */
export function hopelessTimeouts(config: SimulationConfig, likely = false): string[] {
  const family = familyOf(config);
  return hopelessWaits(config, family.answerWaits(config), family.settings, likely);
}

/** The preset a config's family gives its mode. */
export function modePreset(config: { family: FamilyName; mode: ModeName }): ModePreset<Partial<DeliverySettings>> {
  return FAMILIES[config.family].modes[config.mode];
}

/**
 * The kinds a family's world has decision points for, in the catalog's order: Kafka's transaction kinds only with
 * `--transactions true`, its broker cluster's only with `--nodes N` (`cluster`).
 */
export function kindsFor(family: FamilyName, transactions = false, cluster = false): readonly FaultKind[] {
  const own = FAMILIES[family].faultKinds;
  return FAULT_KINDS.filter((kind) => own.includes(kind) && (transactions || !(TRANSACTION_FAULT_KINDS as readonly string[]).includes(kind)) && (cluster || !(CLUSTER_FAULT_KINDS as readonly string[]).includes(kind)));
}

/** True for a Kafka world with a broker cluster (--nodes N): brokers are actors, and the cluster's fault kinds apply. */
export function isKafkaCluster(config: { family: FamilyName; settings: Partial<DeliverySettings> }): boolean {
  return config.family === 'kafka' && typeof (config.settings as { nodes?: unknown }).nodes === 'number' && ((config.settings as { nodes: number }).nodes > 0);
}

/** The kinds a config's world has decision points for (see kindsFor). */
export function worldKinds(config: { family: FamilyName; settings: Partial<DeliverySettings> }): readonly FaultKind[] {
  return kindsFor(config.family, (config.settings as { transactions?: boolean }).transactions === true, isKafkaCluster(config));
}
