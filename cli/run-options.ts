/**
 * The options every simulating command shares (mode, seed, workload, settings, faults, scenario),
 * registered on a commander Command and turned into a validated RunSpec. Values arrive as raw strings
 * and are validated here, so every bad value gets the same one-line message naming flag, value and range.
 */
import type { Command } from 'commander';
import { ConfigError, FAMILY_NAMES, MODE_NAMES } from '../models/config.js';
import type { DeliverySettings, FamilyName, Limits, ModeName, SimulationConfig, TimingSettings, WorkloadSettings } from '../models/config.js';
import { FAMILIES, hopelessTimeouts, worldKinds } from '../models/families.js';
import { settingSpecs } from '../models/resolve.js';
import { FAULT_PRESETS, RATE_NAMES, specOf } from '../models/faults/catalog.js';
import type { FaultRates, FaultSource, RateName } from '../models/faults/catalog.js';
import { PlanError, planOnly } from '../models/faults/plan.js';
import { checkPlanFits } from '../models/plan-fit.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import type { PlanMeta } from '../models/faults/plan.js';
import { resolveConfig } from '../models/engine.js';
import type { SimulationInput } from '../models/engine.js';
import { SCENARIOS, findScenario } from '../scenarios/scenarios.js';
import type { Scenario } from '../scenarios/scenarios.js';
import { planOptionLabel, readPlanOption } from './plan-file.js';
import type { PlanOption } from './plan-file.js';
import { applyPlanWorld } from './plan-world.js';
import { SETTING_FLAGS, flagForKey, flagHelp, optionProperty, parseDecimal, parseInteger, parseSettingValue } from './setting-flags.js';
import { withHandler } from './handler-option.js';
import { UsageError } from './usage-error.js';
import { quoteInput } from '../models/quote.js';

export interface RunSpec {
  config: SimulationConfig;
  faults: FaultSource;
  /** How the faults were given, for headers: a preset name, a rate list, "scenario plan", or a plan file. */
  faultsLabel: string;
  scenario?: Scenario;
  /** Canonical arguments that reproduce this run (without the program name). */
  replayArgs: string[];
  /** replayArgs without the fault source (`--faults`, `--plan`): the world, to pair with another plan. */
  worldArgs: string[];
  /** With --plan: the plan file's metadata, if it had any (its recorded world is already applied). */
  planMeta?: PlanMeta;
  /** With --plan: the plan as read (so another spec of the same command need not read a pipe twice). */
  planOption?: PlanOption;
  /** One line each: a flag that overrides a different value the plan was recorded with. */
  notes: string[];
  /** The handler module (--handler, or the one the plan was recorded with): only for commands that take one. */
  handler?: string;
}

export interface RunSpecOptions {
  /** check and shrink are about one mode's promises: a mode must be given (or recorded in the plan). */
  modeRequired?: boolean;
  /** The command sets the mode (compare) or the seed (sweep) itself: the plan's recorded one is not used. */
  fixedMode?: boolean;
  fixedSeed?: boolean;
  /** The --plan already read by another spec of the same command. */
  readPlan?: PlanOption;
  /** The command takes --handler (run, sweep); others refuse a plan recorded with one rather than run without it. */
  takesHandler?: boolean;
}

export interface RunOptionValues {
  broker?: string;
  mode?: string;
  seed?: string;
  faults?: string;
  /** A plan file (or inline JSON) to replay instead of fault rates. */
  plan?: string;
  scenario?: string;
  [option: string]: unknown;
}

export const DEFAULT_MODE: ModeName = 'at-least-once';
export const DEFAULT_SEED = 1;

export function addModeAndSeedOptions(command: Command, modeRequired = false): Command {
  return command
    .option('--mode <mode>', `delivery mode: ${MODE_NAMES.join(', ')}${modeRequired ? '' : ` (default ${DEFAULT_MODE})`}`)
    .option('--seed <n>', `root seed: same seed and options, same run (default ${DEFAULT_SEED})`);
}

export function addRunOptions(command: Command, modeRequired = false): Command {
  addModeAndSeedOptions(command, modeRequired);
  addWorldOptions(command);
  return command;
}

/** `--plan <file>`: replay an explicit fault plan instead of rates (run, shrink, compare). */
export function addPlanOption(command: Command): Command {
  return command.option('--plan <file>', 'replay the faults of a plan file (or inline JSON starting with {) instead of fault rates');
}

/** `--emit-plan <file>`: write the faults a command ended with as a replayable plan file. */
export function addEmitPlanOption(command: Command, what = 'the faults this run actually injected'): Command {
  return command.option('--emit-plan <file>', `write ${what} as a plan file (replay it with --plan)`);
}

/** Everything but mode and seed: scenario, faults, and one flag per setting. */
export function addWorldOptions(command: Command): Command {
  command
    .option('--broker <family>', `broker family: ${FAMILY_NAMES.join(', ')} (default kafka); a setting flag of another family is refused`)
    .option('--scenario <name>', `a named setup: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`)
    .option('--faults <spec>', `fault rates: a preset (${Object.keys(FAULT_PRESETS).join(', ')}) or a list like drop=0.05,ack-loss=0.05, optionally after a preset (default,dup=0)`);
  for (const spec of SETTING_FLAGS) command.option(`--${spec.flag} <value>`, flagHelp(spec));
  return command;
}

/** The mode given, or the default one unless `modeRequired` (check and shrink are about one mode's promises). */
export function parseMode(raw: string | undefined, modeRequired = false): ModeName {
  if (raw === undefined) {
    if (modeRequired) throw new UsageError(`missing --mode: expected one of ${MODE_NAMES.join(', ')}`);
    return DEFAULT_MODE;
  }
  if (!MODE_NAMES.includes(raw as ModeName)) throw new UsageError(`invalid --mode ${quoteInput(raw)}: expected one of ${MODE_NAMES.join(', ')}`);
  return raw as ModeName;
}

export function parseSeed(raw: string | undefined): number {
  return raw === undefined ? DEFAULT_SEED : parseInteger('--seed', raw, 0, Number.MAX_SAFE_INTEGER);
}

/** What decides which fault rates a world draws on: its family, and settings such as --transactions and --nodes. */
export interface RateWorld {
  family: FamilyName;
  settings: Partial<DeliverySettings>;
}

/** True when some fault kind of this world draws on the rate (unroutable is RabbitMQ's; transaction needs --transactions true). */
export function drawsOnRate(world: RateWorld, rate: string): boolean {
  return worldKinds(world).some((kind) => specOf(kind).rate === rate);
}

/** Why a world draws nothing on a rate, in words: what the user would have to give. */
export function rateAbsence(world: RateWorld, rate: string): string {
  return rate === 'transaction' && world.family === 'kafka' ? 'it needs --transactions true' : `it is not a ${world.family} rate`;
}

/**
 * `default`, `none`, `drop=0.05,ack-loss=0.05`, or `chaos,dup=0` (a preset, then overrides). A rate named twice is
 * refused; with `world`, so is a rate named above 0 that none of the world's fault kinds draws on (unroutable on
 * Kafka, transaction without --transactions true), which would read as a fault the world survived.
 */
export function parseFaultRates(spec: string, world?: RateWorld): FaultRates {
  const drawn = (rate: string): boolean => world === undefined || drawsOnRate(world, rate);
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new UsageError(`invalid --faults ${quoteInput(spec)}: empty item; expected a preset (${Object.keys(FAULT_PRESETS).join(', ')}) or name=rate items`);
  let rates: FaultRates = { ...FAULT_PRESETS.none };
  const named = new Set<string>();
  parts.forEach((part, index) => {
    if (!part.includes('=')) {
      // hasOwn: `constructor` or `toString` would otherwise find Object.prototype's members.
      const preset = Object.hasOwn(FAULT_PRESETS, part) ? FAULT_PRESETS[part] : undefined;
      if (preset === undefined || index > 0) throw new UsageError(`invalid --faults ${quoteInput(spec)}: ${quoteInput(part)} is not a preset (${Object.keys(FAULT_PRESETS).join(', ')}); rates are name=value with name one of ${RATE_NAMES.join(', ')}`);
      rates = { ...preset };
      return;
    }
    // Split at the first '=' only: `drop=0.1=0.2` is a bad rate "0.1=0.2", not drop=0.1 with the rest dropped.
    const name = part.slice(0, part.indexOf('='));
    const value = part.slice(part.indexOf('=') + 1);
    if (!RATE_NAMES.includes(name as RateName)) throw new UsageError(`invalid --faults ${quoteInput(spec)}: unknown fault ${quoteInput(name)}; expected one of ${RATE_NAMES.join(', ')}`);
    if (named.has(name)) throw new UsageError(`invalid --faults ${quoteInput(spec)}: ${quoteInput(name)} is given twice`);
    named.add(name);
    rates[name as RateName] = parseDecimal(`--faults ${name}`, value, 0, 1);
    if (world !== undefined && rates[name as RateName] > 0 && !drawn(name)) {
      throw new UsageError(`invalid --faults ${quoteInput(spec)}: no fault of this world draws on the rate ${quoteInput(name)} (${rateAbsence(world, name)}); this world's rates are ${RATE_NAMES.filter(drawn).join(', ')}`);
    }
  });
  return rates;
}

/** A spec's notes (a plan's recorded world overridden, a timeout no answer can meet), one line each on stderr. */
export function printNotes(notes: readonly string[]): void {
  for (const note of notes) process.stderr.write(`simulate: ${note}\n`);
}

export function buildRunSpec(given: RunOptionValues, options: RunSpecOptions = {}): RunSpec {
  if (given.plan !== undefined && given.faults !== undefined) throw new UsageError('--plan and --faults both given: a run takes its faults from one plan or from rates, not both');
  // A plan is read first: the world it recorded fills in every flag the command line leaves out.
  const planOption = given.plan === undefined ? undefined : (options.readPlan ?? readPlanOption(given.plan));
  const { values, notes } = applyPlanWorld(given, planOption?.plan.meta, planOption?.label ?? '', options);
  if (typeof values.handler === 'string' && options.takesHandler !== true) {
    throw new UsageError(`${planOption?.label ?? 'the plan'} was recorded with --handler ${quoteInput(values.handler)}, and this command does not take a handler yet (run or sweep do)`);
  }
  const mode = parseMode(values.mode, options.modeRequired === true);
  const seed = parseSeed(values.seed);
  let scenario: Scenario | undefined;
  if (values.scenario !== undefined) {
    scenario = findScenario(values.scenario);
    if (scenario === undefined) throw new UsageError(`invalid --scenario ${quoteInput(values.scenario)}: expected one of ${SCENARIOS.map((item) => item.name).join(', ')}`);
  }
  const family = parseBroker(values.broker, scenario);
  const input: SimulationInput = {
    family,
    mode,
    seed,
    settings: { ...scenario?.settings },
    workload: { ...scenario?.workload },
    topology: { ...scenario?.topology },
    timing: { ...scenario?.timing },
    limits: {},
  };
  const replayArgs = [...(family === 'kafka' ? [] : ['--broker', family]), '--mode', mode, '--seed', String(seed)];
  if (scenario !== undefined) replayArgs.push('--scenario', scenario.name);
  const groups = input as unknown as Record<string, Record<string, unknown>>;
  const known = new Set(settingSpecs(FAMILIES[family]).map((spec) => spec.key));
  for (const spec of SETTING_FLAGS) {
    const raw = values[optionProperty(spec.flag)];
    if (typeof raw !== 'string') continue;
    if (!known.has(spec.key)) throw new UsageError(`invalid --${spec.flag} with --broker ${family}: it is a setting of ${otherFamilies(spec.key, family)}, not of ${family}`);
    groups[spec.group][spec.key] = parseSettingValue(spec, raw);
    replayArgs.push(`--${spec.flag}`, raw);
  }
  const worldArgs = [...replayArgs];
  let faults: FaultSource;
  let faultsLabel: string;
  let planMeta: PlanMeta | undefined;
  if (values.plan !== undefined && planOption !== undefined) {
    const option = planOption;
    faults = { plan: planOnly(option.plan) };
    faultsLabel = option.label;
    planMeta = option.plan.meta;
    replayArgs.push('--plan', values.plan);
  } else if (values.faults !== undefined) {
    faults = { rates: parseFaultRates(values.faults, { family, settings: input.settings ?? {} }) };
    faultsLabel = values.faults;
    replayArgs.push('--faults', values.faults);
  } else if (scenario !== undefined && typeof scenario.faults !== 'string') {
    faults = { plan: scenario.faults };
    faultsLabel = `scenario ${scenario.name} (explicit plan)`;
  } else {
    const preset = typeof scenario?.faults === 'string' ? scenario.faults : 'default';
    faults = { rates: FAULT_PRESETS[preset] };
    faultsLabel = preset;
  }
  const config = resolveOrExplain(input);
  for (const words of hopelessTimeouts(config)) notes.push(`note: ${words}`);
  if ('plan' in faults) checkPlanWorld(faults.plan, config, values.plan === undefined ? `--scenario ${scenario?.name ?? ''}` : planOptionLabel(values.plan));
  const spec: RunSpec = { config, faults, faultsLabel, scenario, replayArgs, worldArgs, notes, ...(planMeta !== undefined ? { planMeta } : {}), ...(planOption !== undefined ? { planOption } : {}) };
  return typeof values.handler === 'string' ? withHandler(spec, values.handler) : spec;
}

/** `--broker kafka|rabbitmq` (default kafka, or the scenario's family); a scenario of another family is refused. */
export function parseBroker(raw: string | undefined, scenario?: Scenario): FamilyName {
  if (raw !== undefined && !FAMILY_NAMES.includes(raw as FamilyName)) throw new UsageError(`invalid --broker ${quoteInput(raw)}: expected one of ${FAMILY_NAMES.join(', ')}`);
  const scenarioFamily = scenario?.family ?? 'kafka';
  if (raw !== undefined && scenario !== undefined && raw !== scenarioFamily) throw new UsageError(`invalid --broker ${raw} with --scenario ${scenario.name}: that scenario is a ${scenarioFamily} one`);
  return (raw as FamilyName | undefined) ?? scenarioFamily;
}

/** The families that have a setting, in words. */
function otherFamilies(key: string, except: FamilyName): string {
  const owners = FAMILY_NAMES.filter((name) => name !== except && settingSpecs(FAMILIES[name]).some((spec) => spec.key === key));
  return owners.length === 0 ? 'no family' : owners.join(', ');
}

/** A plan naming an instance the world does not have is bad input: one line, exit 2. */
function checkPlanWorld(plan: FaultPlan, config: SimulationConfig, option: string): void {
  try {
    checkPlanFits(plan, config);
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(`invalid ${option}: ${error.message}`);
    throw error;
  }
}

/** resolveConfig with its ConfigError turned into the CLI's one-line message naming the flag. */
export function resolveOrExplain(input: SimulationInput): SimulationConfig {
  try {
    return resolveConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) {
      // When the conflicting value came from the mode's preset, say so: the user never typed that flag.
      const given = [input.settings, input.workload, input.topology, input.timing, input.limits].some((group) => group !== undefined && error.option in group);
      const origin = given || error.option === 'mode' || error.option === 'seed' ? '' : ` (the ${input.mode} preset sets it; give ${flagForKey(error.option)} too)`;
      throw new UsageError(`invalid ${flagForKey(error.option)} ${quoteInput(error.value)}: expected ${error.allowed}${origin}`);
    }
    throw error;
  }
}

export type { DeliverySettings, Limits, TimingSettings, WorkloadSettings };
