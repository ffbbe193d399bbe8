/**
 * `checkHandler({ handler, effects, mode, ... })`: the library's `simulate check` for a team's handler (a function,
 * not a module path): fast-check generates fault plans named by the handler's steps, each run drives the handler
 * on the host's promises, and a break is shrunk to a minimal plan, returned with the call that replays it.
 */
import { ConfigError } from '../models/config-error.js';
import { runSimulationAsync } from '../models/engine.js';
import type { SimulationResult } from '../models/engine.js';
import { FAULT_KINDS, describeFault } from '../models/faults/catalog.js';
import type { FaultKind, FaultPlan, FaultSource } from '../models/faults/catalog.js';
import { checkHandlerModule } from '../models/handler/contract.js';
import { INVARIANT_NAMES } from '../models/modes.js';
import type { SearchedInvariant } from '../properties/breaks.js';
import { resolveConfig } from '../models/resolve.js';
import { checkInvariantAsync } from '../properties/check.js';
import { assertHandlerReplays } from '../properties/determinism-probe.js';
import type { PlanVerdictCache } from '../properties/check.js';
import { handlerCallsOf } from '../properties/handler-calls.js';
import { checkInputKeys } from './simulate.js';
import type { HandlerInput } from './simulate.js';

export type CheckHandlerInput = Omit<HandlerInput, 'faults'> & {
  /** Only this invariant: a built-in one or one of the handler's own `invariants` (default: every one, built-in first). */
  invariant?: SearchedInvariant;
  /** Generated plans per invariant. Default 300. */
  runs?: number;
  /** Most faults in a plan. Default 4. */
  maxFaults?: number;
  /** Only these fault kinds. Default: every kind. */
  kinds?: readonly FaultKind[];
};

export interface HandlerFinding {
  /** A built-in invariant, or one of the handler's own (promised in every mode). */
  invariant: SearchedInvariant;
  /** Whether the mode promises it (a break of a promised invariant is a violation). */
  promised: boolean;
  /** The minimal plan: remove any fault and the invariant holds again. */
  plan: FaultPlan;
  /** Its faults in domain words. */
  inWords: string[];
  /** The run of the minimal plan. */
  result: SimulationResult;
  /** The call that replays it: `await simulate({ ..., faults: <plan> })` with your handler. */
  replay: string;
}

export interface CheckHandlerResult {
  /** `violated` when a promised invariant broke. */
  verdict: 'ok' | 'violated';
  findings: HandlerFinding[];
  /** Plans generated per invariant searched. */
  plansTried: Partial<Record<SearchedInvariant, number>>;
  /** Runs made, the fault-free run and its replay (the determinism probe) included. */
  simulationRuns: number;
}

const SEARCH_KEYS = ['invariant', 'runs', 'maxFaults', 'kinds'];

export async function checkHandler(input: CheckHandlerInput): Promise<CheckHandlerResult> {
  checkInputKeys(input, SEARCH_KEYS);
  if ('faults' in input) throw new ConfigError('faults', (input as { faults: unknown }).faults, 'nothing: checkHandler generates its own fault plans');
  const { invariant, runs, maxFaults, kinds, handler, effects, invariants, ...world } = input;
  const searchable: SearchedInvariant[] = [...INVARIANT_NAMES, ...Object.keys(invariants ?? {})];
  if (invariant !== undefined && !searchable.includes(invariant)) throw new ConfigError('invariant', invariant, searchable.join(', '));
  // The bounds `simulate check` takes (--runs, --max-faults).
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 10_000_000)) throw new ConfigError('runs', runs, 'an integer from 1 to 10000000');
  if (maxFaults !== undefined && !(Number.isInteger(maxFaults) && maxFaults >= 1 && maxFaults <= 100)) throw new ConfigError('maxFaults', maxFaults, 'an integer from 1 to 100');
  if (kinds !== undefined && (!Array.isArray(kinds) || (kinds as readonly unknown[]).some((kind) => !FAULT_KINDS.includes(kind as FaultKind)))) throw new ConfigError('kinds', kinds, `some of ${FAULT_KINDS.join(', ')}`);
  const module = checkHandlerModule({ handler, effects, invariants });
  const config = resolveConfig(world);
  const run = (runConfig: typeof config, source: FaultSource): Promise<SimulationResult> => runSimulationAsync(runConfig, source, module);
  const baseline = await run(config, { plan: { version: 1, faults: [] } });
  // A handler that does not replay would make every break below unreproducible: refused first.
  await assertHandlerReplays(baseline, { plan: { version: 1, faults: [] } }, module);
  const plans = { ...(maxFaults !== undefined ? { maxFaults } : {}), ...(kinds !== undefined ? { kinds } : {}), handlerCalls: handlerCallsOf(baseline) };
  // Every invariant's search uses the same seed, so it generates the same plans: run each once.
  const cache: PlanVerdictCache = new Map();
  const findings: HandlerFinding[] = [];
  const plansTried: Partial<Record<SearchedInvariant, number>> = {};
  let simulationRuns = 2;
  for (const name of invariant === undefined ? searchable : [invariant]) {
    const outcome = await checkInvariantAsync({ config, invariant: name, seed: config.seed, cache, plans, ...(runs !== undefined ? { numRuns: runs } : {}) }, run);
    plansTried[name] = outcome.runs;
    simulationRuns += outcome.simulationRuns;
    if (!outcome.found) continue;
    // Your invariants are judged in the replay too when you pass them (the finding may be about one of them).
    const replay = `await simulate({ ...${JSON.stringify(world)}, faults: ${JSON.stringify(outcome.plan)}, handler, effects: ${JSON.stringify(module.effects)}${module.invariants === undefined ? '' : ', invariants'} })`;
    findings.push({ invariant: name, promised: outcome.promised, plan: outcome.plan, inWords: outcome.plan.faults.map((fault) => describeFault(fault, outcome.result.config.family)), result: outcome.result, replay });
  }
  return { verdict: findings.some((finding) => finding.promised) ? 'violated' : 'ok', findings, plansTried, simulationRuns };
}
