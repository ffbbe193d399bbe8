/** Every broker family, by name. */
import type { DeliverySettings, FamilyName } from './config.js';
import type { Family } from './family.js';
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
