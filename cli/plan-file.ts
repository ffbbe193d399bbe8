/**
 * `--plan` and `--emit-plan`: read a fault plan from a file (or from inline JSON, so a printed replay
 * command can carry a small plan with it), and write one. Every problem is a one-line UsageError (exit 2)
 * naming the option, the file and, for a bad fault, its number, kind and field.
 */
import { readFileSync } from 'node:fs';
import { presetSettings } from '../models/resolve.js';
import type { SimulationConfig } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { PlanError, formatPlan, parsePlanText } from '../models/faults/plan.js';
import type { PlanFile, PlanMeta } from '../models/faults/plan.js';
import { checkWritableTarget, writeFileAtomic } from './files.js';
import { replayCommand } from './shell-quote.js';
import { UsageError } from './usage-error.js';
import { QUOTE_CHARS_MAX, quoteInput } from '../models/quote.js';

export interface PlanOption {
  plan: PlanFile;
  /** For headers: `plan min.json` or `inline plan`. */
  label: string;
}

/** How errors name a plan option: `--plan (inline)` or `--plan "/tmp/p.json"`. */
export function planOptionLabel(raw: string, option = '--plan'): string {
  return `${option} ${isInlinePlan(raw) ? '(inline)' : quoteInput(raw)}`;
}

/** `--plan` values starting with `{` are the plan itself; anything else is a path. */
export function isInlinePlan(raw: string): boolean {
  return raw.trimStart().startsWith('{');
}

export function readPlanOption(raw: string, option = '--plan'): PlanOption {
  if (raw.trim() === '') throw new UsageError(`invalid ${option} "": expected a plan file (or inline JSON)`);
  const inline = isInlinePlan(raw);
  let text = raw;
  if (!inline) {
    try {
      text = readFileSync(raw, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message);
      throw new UsageError(`cannot read ${option} ${quoteInput(raw)}: ${reason}`);
    }
  }
  try {
    return { plan: parsePlanText(text), label: inline ? 'inline plan' : `plan ${raw}` };
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(`invalid ${planOptionLabel(raw, option)}: ${error.message}`);
    throw error;
  }
}

/** The plan as one line of JSON (no metadata): what a replay command passes inline. */
export function inlinePlan(plan: FaultPlan): string {
  return JSON.stringify({ version: plan.version, faults: plan.faults });
}

/** Settings of the config that differ from its mode's preset: the overrides a plan was recorded with. */
export function settingsOverrides(config: SimulationConfig): PlanMeta['settings'] {
  const preset = presetSettings(config) as unknown as Record<string, unknown>;
  const actual = config.settings as unknown as Record<string, unknown>;
  const overrides = Object.fromEntries(Object.keys(actual).filter((key) => actual[key] !== preset[key]).map((key) => [key, actual[key]]));
  return overrides;
}

/** Metadata that lets a reader of the file know the world it was recorded in and how to replay it. */
export function planMeta(origin: string, config: SimulationConfig, replay: string, extra: Partial<PlanMeta> = {}): PlanMeta {
  const settings = settingsOverrides(config);
  return {
    origin,
    mode: config.mode,
    seed: config.seed,
    workload: { ...config.workload },
    topology: { ...config.topology },
    ...(settings !== undefined && Object.keys(settings).length > 0 ? { settings } : {}),
    ...extra,
    replay,
  };
}

/** Check the target early (before a long search), so a bad path fails fast with exit 2. */
export function checkEmitTarget(path: string | undefined, force: boolean): void {
  if (path !== undefined) checkWritableTarget('--emit-plan', path, force);
}

export function writePlanFile(path: string, plan: FaultPlan, meta: PlanMeta): void {
  writeFileAtomic('--emit-plan', path, formatPlan(plan, meta));
}

/**
 * A note when a plan file was recorded in another world than the one it is replayed in (mode, seed or
 * workload differ): the replay is still exact, but may not show what the file's author saw.
 */
export function planMismatchNote(meta: PlanMeta | undefined, config: SimulationConfig, label: string, checkMode = true): string | undefined {
  if (meta === undefined) return undefined;
  const differences: string[] = [];
  if (checkMode && meta.mode !== undefined && meta.mode !== config.mode) differences.push(`--mode ${meta.mode}`);
  if (meta.seed !== undefined && meta.seed !== config.seed) differences.push(`--seed ${meta.seed}`);
  for (const group of ['workload', 'topology'] as const) {
    const recorded = meta[group];
    if (recorded === undefined) continue;
    const current = config[group] as unknown as Record<string, number>;
    for (const [key, value] of Object.entries(recorded)) if (current[key] !== value) differences.push(`${key}=${String(value)}`);
  }
  if (differences.length === 0) return undefined;
  // The file's replay is shown as written, to be pasted, unless it would not be one short line.
  const replay = meta.replay === undefined ? undefined : meta.replay.length <= QUOTE_CHARS_MAX * 2 && !/[\r\n]/.test(meta.replay) ? meta.replay : quoteInput(meta.replay);
  return `note: ${label} was recorded with ${differences.join(', ')}; this run differs, so it may not show what the recording did${replay !== undefined ? ` (recorded replay: ${replay})` : ''}`;
}

/** `simulate --emit-plan`'s file: the faults the run injected, with a replay command that points at the file. */
export function runPlanText(path: string, config: SimulationConfig, injected: FaultPlan, worldArgs: readonly string[]): string {
  return formatPlan(injected, planMeta('simulate --emit-plan', config, replayCommand([...worldArgs, '--plan', path])));
}

/** Commander's value for `--emit-plan <file>`. */
export interface EmitPlanOption {
  emitPlan?: string;
}
