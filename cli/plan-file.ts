/**
 * `--plan` and `--emit-plan`: read a fault plan from a file (or from inline JSON, so a printed replay
 * command can carry a small plan with it), and write one. Every problem is a one-line UsageError (exit 2)
 * naming the option, the file and, for a bad fault, its number, kind and field.
 */
import { readFileSync } from 'node:fs';
import type { SimulationConfig } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { PlanError, formatPlan, parsePlanText } from '../models/faults/plan.js';
import type { PlanFile, PlanMeta } from '../models/faults/plan.js';
import { checkWritableTarget, writeFileAtomic } from './files.js';
import { worldOverrides } from './plan-world.js';
import { replayCommand } from './shell-quote.js';
import { UsageError } from './usage-error.js';
import { quoteInput } from '../models/quote.js';

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

/** What a plan file records: its world (cli/plan-world.ts replays it), and how to replay it. */
export function planMeta(origin: string, world: PlanWorldSource, replay: string, extra: Partial<PlanMeta> = {}): PlanMeta {
  const { config, scenario, handler } = world;
  return { origin, ...(config.family !== 'kafka' ? { broker: config.family } : {}), mode: config.mode, seed: config.seed, ...(scenario !== undefined ? { scenario: scenario.name } : {}), ...(handler !== undefined ? { handler } : {}), ...worldOverrides(config), ...extra, replay };
}

/** The world a plan was made in: the resolved config, and the scenario it started from, if any. */
export interface PlanWorldSource {
  config: SimulationConfig;
  scenario?: { name: string };
  /** The --handler module, when one ran. */
  handler?: string;
}

/** Check the target early (before a long search), so a bad path fails fast with exit 2. */
export function checkEmitTarget(path: string | undefined, force: boolean): void {
  if (path !== undefined) checkWritableTarget('--emit-plan', path, force);
}

export function writePlanFile(path: string, plan: FaultPlan, meta: PlanMeta): void {
  writeFileAtomic('--emit-plan', path, formatPlan(plan, meta));
}

/** `simulate --emit-plan`'s file: the faults the run injected, with a replay command that points at the file. */
export function runPlanText(path: string, world: PlanWorldSource & { worldArgs: readonly string[] }, injected: FaultPlan): string {
  return formatPlan(injected, planMeta('simulate --emit-plan', world, replayCommand([...world.worldArgs, '--plan', path])));
}

/** Commander's value for `--emit-plan <file>`. */
export interface EmitPlanOption {
  emitPlan?: string;
}
