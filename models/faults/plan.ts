/**
 * Fault plan files: parse and validate a plan from untrusted JSON, and write one back.
 *
 * A plan is `{ "version": 1, "faults": [ ... ] }`, each fault in the domain terms of faults.ts. Faults are
 * validated one by one and independently of each other, so any subset of a valid plan is a valid plan
 * (that is what lets fast-check and delta debugging remove faults freely). The only rule across faults is
 * that two faults may not name the same decision point (same `faultKey`): the second could never fire.
 *
 * A plan file may also carry `meta`: the world it was recorded in (mode, seed, workload, topology and the settings,
 * timing and limits it overrode) and informational fields (what wrote it, the invariant it breaks, a replay
 * command). The CLI replays a plan in its recorded world (cli/plan-world.ts); a library caller passes the plan
 * and chooses the world itself.
 */
import { FAMILY_NAMES } from '../config.js';
import type { DeliverySettings, FamilyName, Limits, TimingSettings, TopologySettings, WorkloadSettings } from '../config.js';
import { LIMIT_SETTINGS, TIMING_SETTINGS, TOPOLOGY_SETTINGS, WORKLOAD_SETTINGS } from '../settings/common.js';
import { KAFKA_SETTINGS } from '../kafka/settings.js';
import { RABBITMQ_SETTINGS } from '../rabbitmq/settings.js';
import { APPLICATION_SETTINGS } from '../settings/common.js';
import { INVARIANT_NAMES, MODE_NAMES } from '../modes.js';
import type { ModeName } from '../modes.js';
import { FAULT_KINDS, describeFault, faultKey, specOf } from './catalog.js';
import type { Fault, FaultKind, FaultPlan } from './catalog.js';
import { instancesOf } from '../topology.js';
import type { Topology } from '../topology.js';
import { quoteInput } from '../quote.js';
import { oneOf } from './spec.js';
import type { FieldCheck } from './spec.js';

export const PLAN_VERSION = 1;

/** The recorded world and informational fields of a plan file; every one optional (older plans have fewer). */
export interface PlanMeta {
  /** What wrote the file, e.g. `simulate --emit-plan`, `simulate check`, `simulate shrink`. */
  origin?: string;
  /** The broker family it was recorded in (absent: kafka, so plans written before families keep their meaning). */
  broker?: FamilyName;
  /** The mode the plan was recorded (or found) under. */
  mode?: ModeName;
  /** The simulation seed it was recorded with (it also decides latencies and the workload's keys). */
  seed?: number;
  /** The workload it was recorded with: a replay needs the same one (faults name messages m1..mN). */
  workload?: Partial<WorkloadSettings>;
  /** The topology it was recorded with (faults name its instances). */
  topology?: Partial<TopologySettings>;
  /** Settings overrides on top of the mode preset it was recorded with. */
  settings?: Partial<DeliverySettings>;
  /** Timing overrides (faulty phase, latencies, restart delays) it was recorded with. */
  timing?: Partial<TimingSettings>;
  /** Limits it was recorded with, where they differ from the derived defaults. */
  limits?: Partial<Limits>;
  /** The scenario it was recorded under, if any (informational: the overrides above carry its world). */
  scenario?: string;
  /** The handler module it was recorded with (`--handler`), as given on that command line. */
  handler?: string;
  /** The invariant this plan breaks (check and shrink write it): a built-in one, or one of the handler's own. */
  invariant?: string;
  /** A command that replays this plan exactly (same traceHash). */
  replay?: string;
  /** Free text for humans. */
  note?: string;
}

/** A plan as read from or written to a file: the plan plus optional metadata. */
export interface PlanFile extends FaultPlan {
  meta?: PlanMeta;
}

/** A plan that is not valid; the message names the fault (counted from 1), its kind and the field. */
export class PlanError extends Error {
  constructor(
    message: string,
    /** 1-based position of the offending fault in `faults`, when the problem is one fault. */
    readonly faultNumber?: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  return value === undefined ? 'missing' : `got ${quoteInput(value)}`;
}

/** Validate one fault; `number` is its 1-based position, used in error messages. Returns a fresh object. */
export function parseFault(value: unknown, number: number): Fault {
  const where = `fault #${number}`;
  if (!isRecord(value)) throw new PlanError(`${where}: must be an object like {"kind": "ack-lost", "message": "m3", "attempt": 1}, got ${quoteInput(value)}`, number);
  const kind = value.kind;
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind)) {
    // What was given comes first: the list of every family's kinds is long, and an error line is cut at LINE_CHARS_MAX.
    throw new PlanError(`${where}: "kind" ${describeValue(kind)}; must be one of ${FAULT_KINDS.join(', ')}`, number, 'kind');
  }
  const fields = specOf(kind as FaultKind).fields as Record<string, FieldCheck>;
  for (const name of Object.keys(value)) {
    // hasOwn, not `in`: "constructor" or "__proto__" are in every object, and are no fault's field.
    if (name !== 'kind' && !Object.hasOwn(fields, name)) throw new PlanError(`${where} (${kind}): unknown field ${quoteInput(name)} (${kind} faults have kind, ${Object.keys(fields).join(', ')})`, number, name);
  }
  const fault: Record<string, unknown> = { kind };
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(value[name]);
    if (problem !== undefined) throw new PlanError(`${where} (${kind}): "${name}" ${problem}; ${describeValue(value[name])}`, number, name);
    // Only instance fields may be absent (they mean the first instance); absent stays absent.
    if (value[name] !== undefined) fault[name] = value[name];
  }
  const across = specOf(kind as FaultKind).validate?.(fault as unknown as Fault);
  if (across !== undefined) throw new PlanError(`${where} (${kind}): ${across}`, number);
  return fault as unknown as Fault;
}

/** Every family's settings (a plan records the overrides it was made with). */
const SETTING_KEYS: readonly string[] = [...new Set([...KAFKA_SETTINGS, ...RABBITMQ_SETTINGS, ...APPLICATION_SETTINGS].map((spec) => spec.key))];

const META_FIELDS: Record<keyof PlanMeta, FieldCheck> = {
  origin: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  broker: oneOf(FAMILY_NAMES),
  mode: oneOf(MODE_NAMES),
  seed: (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? undefined : 'must be an integer >= 0'),
  workload: (value) => numbersWithKeys(value, WORKLOAD_SETTINGS.map((spec) => spec.key)),
  topology: (value) => numbersWithKeys(value, TOPOLOGY_SETTINGS.map((spec) => spec.key)),
  settings: (value) => objectWithKeys(value, SETTING_KEYS),
  timing: (value) => numbersWithKeys(value, TIMING_SETTINGS.map((spec) => spec.key)),
  limits: (value) => numbersWithKeys(value, LIMIT_SETTINGS.map((spec) => spec.key)),
  scenario: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  handler: (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a module path'),
  // A built-in invariant, or (with a handler) the name its module gives one of its own.
  invariant: (value) => (typeof value === 'string' && value !== '' ? undefined : `must be an invariant's name (${INVARIANT_NAMES.join(', ')}, or the handler's own)`),
  replay: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  note: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
};

function objectWithKeys(value: unknown, allowed: readonly string[]): string | undefined {
  if (!isRecord(value)) return 'must be an object';
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  return unknown === undefined ? undefined : `has unknown field ${quoteInput(unknown)} (allowed: ${allowed.join(', ')})`;
}

function numbersWithKeys(value: unknown, allowed: readonly string[]): string | undefined {
  return objectWithKeys(value, allowed) ?? (Object.values(value as object).every((item) => typeof item === 'number') ? undefined : 'must hold numbers only');
}

function parseMeta(value: unknown): PlanMeta {
  if (!isRecord(value)) throw new PlanError(`"meta" must be an object, got ${quoteInput(value)}`, undefined, 'meta');
  for (const [name, field] of Object.entries(value)) {
    // hasOwn: JSON.parse makes "__proto__" an own key, and META_FIELDS["__proto__"] is Object.prototype.
    const check = Object.hasOwn(META_FIELDS, name) ? META_FIELDS[name as keyof PlanMeta] : undefined;
    if (check === undefined) throw new PlanError(`"meta" has unknown field ${quoteInput(name)} (allowed: ${Object.keys(META_FIELDS).join(', ')})`, undefined, `meta.${name}`);
    const problem = check(field);
    if (problem !== undefined) throw new PlanError(`"meta.${name}" ${problem}; ${describeValue(field)}`, undefined, `meta.${name}`);
  }
  return { ...value };
}

/**
 * Parse a plan from JSON already decoded (`JSON.parse` output). Throws PlanError with one line naming the
 * first problem: `fault #3 (ack-lost): "attempt" must be an integer >= 1 ...; got 0`.
 */
export function parsePlan(value: unknown): PlanFile {
  if (!isRecord(value)) throw new PlanError(`a plan must be an object {"version": ${PLAN_VERSION}, "faults": [...]}, got ${Array.isArray(value) ? 'an array' : quoteInput(value)}`);
  for (const name of Object.keys(value)) {
    if (name !== 'version' && name !== 'faults' && name !== 'meta') throw new PlanError(`unknown top-level field ${quoteInput(name)} (a plan has version, faults and optionally meta)`, undefined, name);
  }
  if (value.version !== PLAN_VERSION) throw new PlanError(`"version" must be ${PLAN_VERSION}; ${describeValue(value.version)}`, undefined, 'version');
  if (!Array.isArray(value.faults)) throw new PlanError(`"faults" must be an array of faults; ${describeValue(value.faults)}`, undefined, 'faults');
  const faults: Fault[] = [];
  const seen = new Map<string, number>();
  (value.faults as unknown[]).forEach((item, index) => {
    const fault = parseFault(item, index + 1);
    const key = faultKey(fault);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new PlanError(`fault #${index + 1} (${fault.kind}): names the same decision point as fault #${earlier} (${describeFault(fault)}); remove one`, index + 1);
    }
    seen.set(key, index + 1);
    faults.push(fault);
  });
  const plan: PlanFile = { version: PLAN_VERSION, faults };
  if (value.meta !== undefined) plan.meta = parseMeta(value.meta);
  return plan;
}

/** Parse plan text (a file's content): JSON syntax errors become PlanError too. A UTF-8 byte order mark is skipped. */
export function parsePlanText(text: string): PlanFile {
  let value: unknown;
  try {
    // Editors on Windows save UTF-8 with a BOM; it is not JSON, but it is no reason to refuse the plan.
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    // Node quotes a snippet of the text in its message; keep it on one short line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw new PlanError(`not valid JSON: ${reason.length > 120 ? `${reason.slice(0, 117)}...` : reason}`);
  }
  return parsePlan(value);
}

/**
 * The plan as file text: version, then meta, then one fault per line (short lines that diff well), ending
 * in a newline. Parsing the text gives back an equal plan.
 */
export function formatPlan(plan: FaultPlan, meta?: PlanMeta): string {
  const lines = ['{', `  "version": ${PLAN_VERSION},`];
  if (meta !== undefined && Object.keys(meta).length > 0) {
    const entries = Object.entries(meta).filter(([, value]) => value !== undefined);
    lines.push('  "meta": {');
    entries.forEach(([key, value], index) => lines.push(`    ${JSON.stringify(key)}: ${JSON.stringify(value)}${index < entries.length - 1 ? ',' : ''}`));
    lines.push('  },');
  }
  if (plan.faults.length === 0) {
    lines.push('  "faults": []');
  } else {
    lines.push('  "faults": [');
    plan.faults.forEach((fault, index) => lines.push(`    ${JSON.stringify(fault)}${index < plan.faults.length - 1 ? ',' : ''}`));
    lines.push('  ]');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** The plan without its metadata (what replays). */
export function planOnly(plan: FaultPlan): FaultPlan {
  return { version: PLAN_VERSION, faults: plan.faults.map((fault) => ({ ...fault })) };
}

/**
 * A plan meets a world: a fault naming an instance the topology does not have could never fire, and would read
 * as if it had been survived, so it is refused (PlanError naming the fault, the field and the instances there are).
 */
export function checkPlanInstances(plan: FaultPlan, topology: Topology): void {
  plan.faults.forEach((fault, index) => {
    const instance = specOf(fault.kind).instance?.(fault);
    if (instance === undefined) return;
    const names = instancesOf(topology, instance.kind);
    if (names.includes(instance.name)) return;
    const field = instance.kind;
    throw new PlanError(`fault #${index + 1} (${fault.kind}): "${field}" names ${instance.name}, which this world does not have (its ${field}s: ${names.join(', ')})`, index + 1, field);
  });
}

/** A plan for one family names only that family's fault kinds (and the shared ones): another family's is refused. */
export function checkPlanKinds(plan: FaultPlan, family: { readonly name: string; readonly faultKinds: readonly FaultKind[] }): void {
  plan.faults.forEach((fault, index) => {
    if (family.faultKinds.includes(fault.kind)) return;
    throw new PlanError(`fault #${index + 1} (${fault.kind}) is not a ${family.name} fault: a ${family.name} world has ${family.faultKinds.join(', ')}`, index + 1, 'kind');
  });
}
