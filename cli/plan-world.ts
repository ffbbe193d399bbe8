/**
 * A plan carries its world. `--emit-plan` (and check, shrink, compare) record the mode, seed and every override of
 * the world a plan was made in; `--plan p.json` alone replays that world exactly. The rule, for every command that
 * reads a plan: a flag given on the command line wins over the recorded value (with a one-line note when they
 * differ), a recorded value wins over the defaults. A plan without `meta` (older files, inline plans) replays in
 * the world the command line describes, as before.
 */
import { DEFAULT_WORKLOAD, defaultTiming } from '../models/config.js';
import type { SimulationConfig } from '../models/config.js';
import type { PlanMeta } from '../models/faults/plan.js';
import { presetSettings, resolveConfig } from '../models/resolve.js';
import { settingText } from '../models/settings/spec.js';
import type { SettingGroup, SettingSpec, SettingValue } from '../models/settings/spec.js';
import { DEFAULT_TOPOLOGY } from '../models/topology.js';
import { SETTING_FLAGS, optionProperty, parseSettingValue } from './setting-flags.js';
import type { RunOptionValues } from './run-options.js';

type Values = Readonly<Record<string, SettingValue>>;

function differing(actual: Values, baseline: Values): Record<string, SettingValue> {
  return Object.fromEntries(Object.keys(actual).filter((key) => actual[key] !== baseline[key]).map((key) => [key, actual[key]]));
}

/**
 * What a config overrides, group by group: each value that differs from what resolving the config without it would
 * give (the mode preset's settings, the workload's derived timing, the derived limits). Replaying these overrides
 * on the same mode and seed resolves to the same config.
 */
export function worldOverrides(config: SimulationConfig): Pick<PlanMeta, 'settings' | 'workload' | 'topology' | 'timing' | 'limits'> {
  const world = { family: config.family, mode: config.mode, seed: config.seed, workload: config.workload, topology: config.topology, timing: config.timing };
  // The progress timeout first: the virtual-time limit's default is derived from it.
  const underived = resolveConfig(world).limits;
  const progress = config.limits.progressTimeoutMs === underived.progressTimeoutMs ? {} : { progressTimeoutMs: config.limits.progressTimeoutMs };
  const derived = resolveConfig({ ...world, limits: progress }).limits;
  const groups = {
    settings: differing(config.settings as unknown as Values, presetSettings(config) as unknown as Values),
    workload: { ...config.workload },
    topology: { ...config.topology },
    timing: differing(config.timing as unknown as Values, defaultTiming(config.workload) as unknown as Values),
    limits: { ...progress, ...differing(config.limits as unknown as Values, derived as unknown as Values) },
  };
  // Workload and topology are recorded whole (a reader sees the world at a glance); the others only when set.
  return Object.fromEntries(Object.entries(groups).filter(([group, values]) => group === 'workload' || group === 'topology' || Object.keys(values).length > 0));
}

/** The world a plan file recorded, as the raw flag values a command line would give, plus the notes to print. */
export interface PlanWorld {
  /** The command's option values with the recorded world filled in where no flag was given. */
  values: RunOptionValues;
  /** One line per flag that overrides a different recorded value. */
  notes: string[];
}

/** A value as a flag takes it (numbers without exponents, so the flag parser reads them back). */
function flagText(value: SettingValue): string {
  if (typeof value === 'number' && /e/i.test(String(value))) return value.toFixed(20).replace(/\.?0+$/, '');
  return settingText(value);
}

/** The plain defaults of workload and topology: recorded values equal to them need no flag in a replay command. */
const PLAIN_DEFAULTS: Partial<Record<SettingGroup, Values>> = {
  workload: DEFAULT_WORKLOAD as unknown as Values,
  topology: DEFAULT_TOPOLOGY as unknown as Values,
};

function recordedValue(meta: PlanMeta, spec: SettingSpec): SettingValue | undefined {
  const group = meta[spec.group] as Values | undefined;
  return group?.[spec.key];
}

/**
 * Fill the option values from the plan's `meta`: mode, seed and each recorded setting, unless the command line
 * gives it. `fixedMode`: the command sets the mode itself (compare runs every mode), so the recorded one is not used.
 */
export function applyPlanWorld(values: RunOptionValues, meta: PlanMeta | undefined, label: string, options: { fixedMode?: boolean; fixedSeed?: boolean } = {}): PlanWorld {
  if (meta === undefined) return { values, notes: [] };
  const filled: RunOptionValues = { ...values };
  const notes: string[] = [];
  const overridden = (flag: string, given: string, recorded: string): void => {
    notes.push(`note: --${flag} ${given} overrides the ${recorded} that ${label} was recorded with`);
  };
  if (meta.broker !== undefined) {
    if (values.broker === undefined) filled.broker = meta.broker;
    else if (values.broker !== meta.broker) overridden('broker', values.broker, `--broker ${meta.broker}`);
  }
  if (meta.mode !== undefined && options.fixedMode !== true) {
    if (values.mode === undefined) filled.mode = meta.mode;
    else if (values.mode !== meta.mode) overridden('mode', values.mode, `--mode ${meta.mode}`);
  }
  if (meta.handler !== undefined) {
    const given = typeof values.handler === 'string' ? values.handler : undefined;
    if (given === undefined) filled.handler = meta.handler;
    else if (given !== meta.handler) overridden('handler', given, `--handler ${meta.handler}`);
  }
  if (meta.seed !== undefined && options.fixedSeed !== true) {
    if (values.seed === undefined) filled.seed = String(meta.seed);
    else if (Number(values.seed) !== meta.seed) overridden('seed', values.seed, `--seed ${meta.seed}`);
  }
  for (const spec of SETTING_FLAGS) {
    const recorded = recordedValue(meta, spec);
    if (recorded === undefined) continue;
    const property = optionProperty(spec.flag);
    const given = values[property];
    if (typeof given === 'string') {
      if (parseSettingValue(spec, given) !== recorded) overridden(spec.flag, given, `--${spec.flag} ${flagText(recorded)}`);
      continue;
    }
    // A recorded default needs no flag (unless a scenario on the command line may set that value otherwise).
    if (values.scenario === undefined && PLAIN_DEFAULTS[spec.group]?.[spec.key] === recorded) continue;
    filled[property] = flagText(recorded);
  }
  return { values: filled, notes };
}
