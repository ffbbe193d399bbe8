/** Every broker family, by name. */
import type { DeliverySettings, FamilyName } from './config.js';
import type { Family } from './family.js';
import { FAULT_KINDS } from './faults/catalog.js';
import type { FaultKind } from './faults/catalog.js';
import { TRANSACTION_FAULT_KINDS } from './kafka/transaction-faults.js';
import type { ModeName, ModePreset } from './modes.js';
import { KAFKA } from './kafka/family.js';
import { RABBITMQ } from './rabbitmq/family.js';

export const FAMILIES: Record<FamilyName, Family> = { kafka: KAFKA, rabbitmq: RABBITMQ };

export function familyOf(config: { family: FamilyName }): Family {
  return FAMILIES[config.family];
}

/** The preset a config's family gives its mode. */
export function modePreset(config: { family: FamilyName; mode: ModeName }): ModePreset<Partial<DeliverySettings>> {
  return FAMILIES[config.family].modes[config.mode];
}

/** The kinds a family's world has decision points for, in the catalog's order: Kafka's transaction kinds only with `--transactions true`. */
export function kindsFor(family: FamilyName, transactions = false): readonly FaultKind[] {
  const own = FAMILIES[family].faultKinds;
  return FAULT_KINDS.filter((kind) => own.includes(kind) && (transactions || !(TRANSACTION_FAULT_KINDS as readonly string[]).includes(kind)));
}
