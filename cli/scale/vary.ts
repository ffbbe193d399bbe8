/**
 * `sweep --vary drop=0..0.2:0.02`: one sweep per value of a fault rate or numeric setting, to see how often each
 * invariant breaks as that value grows. This module reads the flag and derives each point's command-line values;
 * every point is then an ordinary sweep, validated and replayed like one.
 */
import { RATE_NAMES } from '../../models/faults/catalog.js';
import type { RateName } from '../../models/faults/catalog.js';
import { findScenario } from '../../scenarios/scenarios.js';
import type { RunOptionValues } from '../run-options.js';
import { SETTING_FLAGS, optionProperty } from '../setting-flags.js';
import { UsageError } from '../usage-error.js';

export const MAX_VARY_POINTS = 101;

export interface Vary {
  /** As given: a fault rate (`drop`) or a setting flag without its dashes (`max-in-flight`). */
  name: string;
  target: 'fault rate' | 'setting';
  from: number;
  to: number;
  step: number;
  /** from, from+step, ... up to to, ascending, rounded to the decimals given. */
  values: number[];
}

const NUMBER = '(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+))';
const SYNTAX = new RegExp(`^\\s*([a-z][a-z0-9-]*)\\s*=\\s*${NUMBER}\\s*\\.\\.\\s*${NUMBER}\\s*:\\s*${NUMBER}\\s*$`);

function numericFlags(): string[] {
  return SETTING_FLAGS.filter((spec) => spec.kind.type === 'int' || spec.kind.type === 'number' || spec.kind.type === 'count-or-unlimited').map((spec) => spec.flag);
}

function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

export function parseVary(raw: string): Vary {
  const match = SYNTAX.exec(raw);
  if (match === null) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: expected name=from..to:step, e.g. drop=0..0.2:0.02 or max-in-flight=1..5:1`);
  const [, name, fromText, toText, stepText] = match;
  const target = RATE_NAMES.includes(name as RateName) ? 'fault rate' : numericFlags().includes(name) ? 'setting' : undefined;
  if (target === undefined) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${JSON.stringify(name)} is neither a fault rate (${RATE_NAMES.join(', ')}) nor a numeric setting flag (see simulate list)`);
  const [from, to, step] = [Number(fromText), Number(toText), Number(stepText)];
  if (!(step > 0) || to < from) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: expected from <= to and a step above 0`);
  // Whole steps from `from`; the tiny slack keeps 0..0.2:0.02 at eleven points despite binary fractions.
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_VARY_POINTS) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${count} values; at most ${MAX_VARY_POINTS} (take a larger step)`);
  const places = Math.max(decimals(fromText), decimals(stepText));
  const values = Array.from({ length: count }, (_, index) => Number((from + index * step).toFixed(places)));
  return { name, target, from, to, step, values };
}

/** The command-line values of one point: the varied rate appended to the fault list, or the setting flag set. */
export function valuesAt<Values extends RunOptionValues>(values: Values, vary: Vary, value: number): Values {
  if (vary.target === 'setting') return { ...values, [optionProperty(vary.name)]: String(value) };
  if (values.plan !== undefined) throw new UsageError(`--vary ${vary.name} varies a fault rate, but --plan replays an explicit plan: drop --plan or vary a setting`);
  const scenarioFaults = values.scenario === undefined ? undefined : findScenario(values.scenario)?.faults;
  if (values.faults === undefined && scenarioFaults !== undefined && typeof scenarioFaults !== 'string') throw new UsageError(`--vary ${vary.name} varies a fault rate, but scenario ${values.scenario} injects an explicit plan: give --faults too, or vary a setting`);
  // The varied rate replaces the one --faults names (a rate may be named once), on top of the preset as given.
  const base = (values.faults ?? (typeof scenarioFaults === 'string' ? scenarioFaults : 'default'))
    .split(',')
    .filter((item) => item.split('=')[0].trim() !== vary.name);
  return { ...values, faults: [...base, `${vary.name}=${value}`].join(',') };
}
