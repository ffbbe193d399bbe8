/**
 * `sweep --vary drop=0..0.2:0.02`: one sweep per value of a fault rate or numeric setting, to see how often each
 * invariant breaks as that value grows; or `--vary rabbitmq-version=4.2,4.3` (any setting, a rate too): one sweep per
 * value listed, in the order given, to compare them. This module reads the flag and derives each point's
 * command-line values; every point is then an ordinary sweep, validated and replayed like one.
 */
import { RATE_NAMES } from '../../models/faults/catalog.js';
import type { RateName } from '../../models/faults/catalog.js';
import { findScenario } from '../../scenarios/scenarios.js';
import type { RunOptionValues } from '../run-options.js';
import { SETTING_FLAGS, optionProperty } from '../setting-flags.js';
import { UsageError } from '../usage-error.js';

export const MAX_VARY_POINTS = 101;

/** One value of the varied rate or setting: a number, or a word of a setting that takes words (`4.3`, `reject`). */
export type VaryValue = number | string;

export interface Vary {
  /** As given: a fault rate (`drop`) or a setting flag without its dashes (`max-in-flight`). */
  name: string;
  target: 'fault rate' | 'setting';
  /** A range `from..to:step` (undefined for a list of values). */
  range?: { from: number; to: number; step: number };
  /** A range's from, from+step, ... up to to, ascending, rounded to the decimals given; or the values listed, in order. */
  values: VaryValue[];
}

const NUMBER = '(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+))';
const SYNTAX = new RegExp(`^\\s*([a-z][a-z0-9-]*)\\s*=\\s*${NUMBER}\\s*\\.\\.\\s*${NUMBER}\\s*:\\s*${NUMBER}\\s*$`);
/** `name=a,b,c`: two or more values, each a number or a word (`4.3`, `reject`, `read_committed`). */
const LIST_SYNTAX = /^\s*([a-z][a-z0-9-]*)\s*=\s*([\w.-]+(?:\s*,\s*[\w.-]+)+)\s*$/;
const USAGE = 'expected name=from..to:step or name=a,b,..., e.g. drop=0..0.2:0.02, max-in-flight=1..5:1 or acks=0,1,all';

function numericFlags(): string[] {
  return SETTING_FLAGS.filter((spec) => spec.kind.type === 'int' || spec.kind.type === 'number' || spec.kind.type === 'count-or-unlimited').map((spec) => spec.flag);
}

function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

export function parseVary(raw: string): Vary {
  const list = LIST_SYNTAX.exec(raw);
  if (list !== null) return parseList(raw, list[1], list[2].split(',').map((value) => value.trim()));
  const match = SYNTAX.exec(raw);
  if (match === null) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${USAGE}`);
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
  return { name, target, range: { from, to, step }, values };
}

/** `name=a,b,...`: a fault rate takes numbers, a setting any value its flag takes (each point checks its own). */
function parseList(raw: string, name: string, texts: string[]): Vary {
  const setting = SETTING_FLAGS.find((spec) => spec.flag === name);
  const target = RATE_NAMES.includes(name as RateName) ? 'fault rate' : setting !== undefined ? 'setting' : undefined;
  if (target === undefined) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${JSON.stringify(name)} is neither a fault rate (${RATE_NAMES.join(', ')}) nor a setting flag (see simulate list)`);
  const duplicate = texts.find((text, index) => texts.indexOf(text) !== index);
  if (duplicate !== undefined) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${JSON.stringify(duplicate)} is listed twice`);
  if (texts.length > MAX_VARY_POINTS) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: ${texts.length} values; at most ${MAX_VARY_POINTS}`);
  const numeric = texts.every((text) => /^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text));
  if (target === 'fault rate' && !numeric) throw new UsageError(`invalid --vary ${JSON.stringify(raw)}: a fault rate takes numbers, e.g. ${name}=0,0.05,0.1`);
  // Numbers stay numbers (JSON points sort and chart them as such), except a setting's words that look like numbers: a release `4.10` is not `4.1`.
  const words = target === 'setting' && setting?.kind.type === 'enum';
  return { name, target, values: texts.map((text) => (numeric && !words ? Number(text) : text)) };
}

/** "from 0 to 0.2 by 0.02", or "over 4.2, 4.3": the values a --vary sweep ran, in words. */
export function varyWords(vary: Vary): string {
  return vary.range === undefined ? `over ${vary.values.join(', ')}` : `from ${vary.range.from} to ${vary.range.to} by ${vary.range.step}`;
}

/** The command-line values of one point: the varied rate appended to the fault list, or the setting flag set. */
export function valuesAt<Values extends RunOptionValues>(values: Values, vary: Vary, value: VaryValue): Values {
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
