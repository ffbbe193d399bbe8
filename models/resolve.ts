/**
 * A mode preset plus overrides becomes a validated SimulationConfig. Validation reads the SettingSpec rows of the
 * family and of the shared groups, so every bad value, unknown setting and refused combination gets a ConfigError
 * naming the option, the value and what is allowed.
 */
import { ConfigError } from './config-error.js';
import { DEFAULT_LIMITS, DEFAULT_WORKLOAD, FAMILY_NAMES, defaultTiming } from './config.js';
import type { DeliverySettings, FamilyName, Limits, SimulationConfig, TimingSettings, TopologySettings, WorkloadSettings } from './config.js';
import { FAMILIES } from './families.js';
import type { Family } from './family.js';
import { MODE_NAMES } from './modes.js';
import type { ModeName } from './modes.js';
import type { RabbitMqSettings } from './rabbitmq/settings.js';
import { LIMIT_SETTINGS, TIMING_SETTINGS, TOPOLOGY_SETTINGS, WORKLOAD_SETTINGS, defaultMaxEvents, defaultMaxVirtualTimeMs, defaultProgressTimeoutMs, durationKeysOf } from './settings/common.js';
import type { DurationKeys } from './settings/common.js';
import { DEFAULT_TOPOLOGY } from './topology.js';
import { SETTING_GROUPS, acceptsValue, allowedText } from './settings/spec.js';
import type { DerivedDefault, SettingGroup, SettingSpec, SettingValue } from './settings/spec.js';

export interface SimulationInput {
  /** The broker family (default kafka). */
  family?: FamilyName;
  mode: ModeName;
  seed: number;
  /** Overrides on top of the mode's preset (the family's own settings: validation refuses another family's). */
  settings?: Partial<DeliverySettings> | Partial<RabbitMqSettings>;
  workload?: Partial<WorkloadSettings>;
  topology?: Partial<TopologySettings>;
  timing?: Partial<TimingSettings>;
  limits?: Partial<Limits>;
}

/** The settings outside the family's own, in validation order. */
const SHARED_SETTINGS: readonly SettingSpec[] = [...WORKLOAD_SETTINGS, ...TOPOLOGY_SETTINGS, ...TIMING_SETTINGS, ...LIMIT_SETTINGS];

/** Every setting a family's config has, in validation order: the family's own, then the shared groups. */
export function settingSpecs(family: Family): readonly SettingSpec[] {
  return [...family.settings, ...SHARED_SETTINGS];
}

function requireOneOf<T>(option: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) throw new ConfigError(option, value, allowed.map(String).join(', '));
}

/** An override naming a setting the config does not have is refused, not dropped silently. */
function refuseUnknown(group: SettingGroup, values: object | undefined, facts: FamilyFacts): void {
  if (values === undefined) return;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ConfigError(group, values, `an object of ${group} overrides`);
  const known = facts.keys[group];
  for (const key of Object.keys(values)) if (!known.includes(key)) throw new ConfigError(key, (values as Record<string, unknown>)[key], `a known ${group} setting: ${known.join(', ')}`);
}

/**
 * Looked up once per family (resolveConfig runs once per seed): its settings with a derived default, its durations,
 * the setting keys of each group (building those lists per call was most of a 40-message run's resolveConfig).
 */
interface FamilyFacts {
  readonly derived: readonly SettingSpec[];
  readonly durations: DurationKeys;
  readonly keys: Readonly<Record<SettingGroup, readonly string[]>>;
}
const facts = new WeakMap<Family, FamilyFacts>();

function factsOf(family: Family): FamilyFacts {
  let found = facts.get(family);
  if (found === undefined) {
    const derived = family.settings.filter((spec) => typeof spec.default === 'object');
    const durations = { settings: durationKeysOf(family.settings.filter((spec) => spec.deadline !== true).map((spec) => spec.key)), timing: durationKeysOf(TIMING_SETTINGS.map((spec) => spec.key)) };
    const keys: Record<SettingGroup, string[]> = { settings: [], workload: [], topology: [], timing: [], limits: [] };
    for (const spec of settingSpecs(family)) keys[spec.group].push(spec.key);
    facts.set(family, (found = { derived, durations, keys }));
  }
  return found;
}

/** Preset + overrides, validated: throws ConfigError naming the first bad option. */
export function resolveConfig(input: SimulationInput): SimulationConfig {
  const familyName = input.family ?? 'kafka';
  requireOneOf('family', familyName, FAMILY_NAMES);
  const family = FAMILIES[familyName];
  const preset = family.modes[input.mode];
  // Untyped callers (JSON, other people's suites) can pass any string; say which modes exist.
  if (preset === undefined) throw new ConfigError('mode', input.mode, MODE_NAMES.join(', '));
  const familyFacts = factsOf(family);
  for (const group of SETTING_GROUPS) refuseUnknown(group, input[group], familyFacts);
  const workload = { ...DEFAULT_WORKLOAD, ...input.workload };
  const topology = { ...DEFAULT_TOPOLOGY, ...input.topology };
  const timing = { ...defaultTiming(workload), ...input.timing };
  // Object.assign onto a fresh literal, not a spread: derived settings are added below, and V8 gives an object
  // spread from another and then extended a hidden class of its own, a new one per config. Every model read of a
  // setting then went megamorphic: ~10% of a 40-message run.
  const settings = Object.assign({}, preset.settings, input.settings) as Record<string, SettingValue>;
  family.fitDefaults?.(settings, input.settings ?? {});
  // Settings no preset sets are derived from the rest of the config, as their specs say.
  const groups = { settings, workload: workload as unknown as Record<string, SettingValue>, topology: topology as unknown as Record<string, SettingValue>, timing: timing as unknown as Record<string, SettingValue>, limits: {} };
  for (const spec of familyFacts.derived) {
    if (settings[spec.key] === undefined) settings[spec.key] = (spec.default as DerivedDefault).derive(groups);
  }
  const config: SimulationConfig = {
    family: familyName,
    mode: input.mode,
    seed: input.seed,
    settings: settings as unknown as DeliverySettings,
    workload,
    topology,
    timing,
    limits: defaultLimits({ settings, timing, workload, topology }, input.limits, familyFacts.durations),
  };
  validateConfig(config);
  return config;
}

/** The limits given, the rest derived: the progress timeout from the settings, the virtual-time limit from both. */
function defaultLimits(world: { settings: Readonly<Record<string, SettingValue>>; timing: Readonly<TimingSettings>; workload: Readonly<WorkloadSettings>; topology: Readonly<TopologySettings> }, given: Partial<Limits> | undefined, durations: DurationKeys): Limits {
  const { settings, timing, workload, topology } = world;
  const progressTimeoutMs = given?.progressTimeoutMs ?? defaultProgressTimeoutMs(settings, timing, durations);
  const maxVirtualTimeMs = given?.maxVirtualTimeMs ?? defaultMaxVirtualTimeMs(progressTimeoutMs, timing, workload);
  const maxEvents = defaultMaxEvents(workload, topology, maxVirtualTimeMs);
  // Object.assign, not a spread followed by more keys: one hidden class for every config's limits (see resolveConfig).
  return Object.assign({}, DEFAULT_LIMITS, { maxVirtualTimeMs, progressTimeoutMs, maxEvents }, given);
}

/**
 * The settings the config's mode preset gives in this same world (derived settings derived the same way): what a
 * run's settings are compared with to tell its overrides.
 */
export function presetSettings(config: SimulationConfig): DeliverySettings {
  return resolveConfig({ family: config.family, mode: config.mode, seed: config.seed, workload: config.workload, topology: config.topology, timing: config.timing }).settings;
}

/** Throws ConfigError on the first invalid field, including combinations the real systems reject. */
export function validateConfig(config: SimulationConfig): void {
  requireOneOf('family', config.family, FAMILY_NAMES);
  requireOneOf('mode', config.mode, MODE_NAMES);
  if (typeof config.seed !== 'number' || !Number.isInteger(config.seed) || config.seed < 0 || config.seed > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError('seed', config.seed, `an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  const family = FAMILIES[config.family];
  const groups = config as unknown as Record<SettingGroup, Record<string, SettingValue>>;
  for (const spec of family.settings) checkSetting(spec, groups);
  family.checkCombinations(config.settings);
  for (const spec of SHARED_SETTINGS) checkSetting(spec, groups);
}

function checkSetting(spec: SettingSpec, groups: Record<SettingGroup, Record<string, SettingValue>>): void {
  const values = groups[spec.group];
  const value = values[spec.key];
  if (!acceptsValue(spec, value, values)) throw new ConfigError(spec.key, value, allowedText(spec, values));
}
