/**
 * JSON Schemas (draft 2020-12) of every command's `--json` output and of the plan file format, built from the same
 * definitions the outputs are (setting spec rows, fault specs, invariant and mode names), so they cannot drift
 * apart. `npm run docs` writes them to schemas/; the package exports them (`delivery-sim/schemas/run.schema.json`),
 * and the suite validates every command's real output against them.
 *
 * Objects do not forbid unknown fields: adding a field is not a breaking change (README, "JSON output").
 */
import { FAMILY_NAMES } from '../models/config.js';
import { FAULT_KINDS, RATE_NAMES, specOf } from '../models/faults/catalog.js';
import { PLAN_VERSION } from '../models/faults/plan.js';
import { FAMILIES } from '../models/families.js';
import { INVARIANT_NAMES, MODE_NAMES } from '../models/modes.js';
import { settingSpecs } from '../models/resolve.js';
import type { SettingGroup, SettingSpec } from '../models/settings/spec.js';
import { SCHEMA_VERSION } from './json-contract.js';
import type { CommandName } from './json-contract.js';

type Schema = Record<string, unknown>;

const SCHEMA_BASE = 'https://delivery-sim.dev/schemas';
const integer = (minimum?: number): Schema => ({ type: 'integer', ...(minimum !== undefined ? { minimum } : {}) });
const number: Schema = { type: 'number' };
const string: Schema = { type: 'string' };
const boolean: Schema = { type: 'boolean' };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const array = (items: Schema): Schema => ({ type: 'array', items });
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });

/** An object whose fields are all required except the ones named optional. */
function object(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  return {
    type: 'object',
    ...(description !== undefined ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
  };
}

/** An object with one field per name, each of the same schema. */
const each = (names: readonly string[], schema: Schema): Schema => object(Object.fromEntries(names.map((name) => [name, schema])));

function settingSchema(spec: SettingSpec): Schema {
  const kind = spec.kind;
  const described = (schema: Schema): Schema => ({ ...schema, description: `${spec.realName}: ${spec.doc}` });
  const bounds = (min: unknown, max: unknown): Schema => ({ ...(typeof min === 'number' ? { minimum: min } : {}), ...(typeof max === 'number' ? { maximum: max } : {}) });
  switch (kind.type) {
    case 'int':
      return described({ type: 'integer', ...bounds(kind.min, kind.max) });
    case 'number':
      return described({ type: 'number', ...bounds(kind.min, kind.max) });
    case 'bool':
      return described(boolean);
    case 'enum':
      return described({ enum: [...kind.values] });
    case 'acks':
      return described({ enum: [0, 1, 'all'] });
    case 'count-or-unlimited':
      return described({ anyOf: [{ type: 'integer', minimum: kind.min, maximum: kind.max }, { const: 'unlimited' }] });
  }
}

/** Every family's settings of one group, each once. */
function settingsGroup(group: SettingGroup, partial: boolean): Schema {
  const specs = new Map<string, SettingSpec>();
  for (const family of Object.values(FAMILIES)) for (const spec of settingSpecs(family)) if (spec.group === group && !specs.has(spec.key)) specs.set(spec.key, spec);
  const properties = Object.fromEntries([...specs.values()].map((spec) => [spec.key, settingSchema(spec)]));
  // A family has only its own settings, so a config's settings are not all required; shared groups are.
  return partial || group === 'settings' ? { type: 'object', properties } : object(properties);
}

function faultSchemas(): Schema[] {
  return FAULT_KINDS.map((kind) => ({
    type: 'object',
    properties: { kind: { const: kind }, ...Object.fromEntries(Object.keys(specOf(kind).fields).map((field) => [field, true])) },
    required: ['kind'],
    additionalProperties: false,
  }));
}

const TRACE_RECORD = { ...object({ t: { ...number, description: 'virtual time in microseconds' }, actor: string, kind: string, msg: string }, ['msg'], 'one trace record; each kind carries its own fields besides these'), additionalProperties: true };

/** What check and shrink say about the minimal plan that breaks one invariant. */
function findingProperties(): Record<string, Schema> {
  return {
      invariant: { ...string, description: `a built-in invariant (${INVARIANT_NAMES.join(', ')}), or with --handler one of the handler's own` },
      promised: boolean,
      status: ref('invariantStatus'),
      count: integer(0),
      witnesses: array(ref('witness')),
      plan: ref('plan'),
      inWords: array(string),
      originalFaults: integer(0),
      shrinkSteps: integer(0),
      simulationRuns: integer(0),
      provenance: string,
      traceHash: ref('traceHash'),
      planFile: nullable(string),
      replay: string,
    };
}

/** Shared definitions, referenced by every command's schema. */
function definitions(): Record<string, Schema> {
  return {
    tool: object({ name: { const: 'delivery-sim' }, version: string }),
    mode: { enum: [...MODE_NAMES] },
    invariantStatus: { enum: ['holds', 'broken, as expected', 'VIOLATED'] },
    verdict: { enum: ['ok', 'violated'] },
    config: object({
      family: { enum: [...FAMILY_NAMES] },
      mode: ref('mode'),
      seed: integer(0),
      settings: settingsGroup('settings', false),
      workload: settingsGroup('workload', false),
      topology: settingsGroup('topology', false),
      timing: settingsGroup('timing', false),
      limits: settingsGroup('limits', false),
    }),
    fault: { anyOf: faultSchemas(), description: 'one fault, named at a protocol decision point (README, "The plan format")' },
    plan: object({ version: { const: PLAN_VERSION }, faults: array(ref('fault')) }),
    faultSource: { anyOf: [object({ plan: { ...string, description: 'where the plan came from' } }), object({ rates: each(RATE_NAMES, { type: 'number', minimum: 0, maximum: 1 }), spec: { ...string, description: 'the --faults text' } })] },
    // Per fault kind of the run's family (a Kafka run counts Kafka's kinds, a RabbitMQ run RabbitMQ's).
    faultCounts: object(Object.fromEntries(FAULT_KINDS.map((kind) => [kind, integer(0)])), FAULT_KINDS),
    traceRecord: TRACE_RECORD,
    witness: object(
      {
        msg: nullable(string),
        key: nullable(string),
        group: string,
        summary: { ...string, description: 'what broke, in one line of domain words' },
        how: { ...nullable(string), description: 'the mechanism, e.g. "lost ack, then a retry: duplicate in the log"; null when not recognised' },
        because: { ...array(string), description: 'the faults the story rests on, in words, in trace order' },
        records: array(ref('traceRecord')),
      },
      ['group'],
    ),
    lag: object({ maxRecords: integer(0), maxMs: { type: 'number', minimum: 0 } }),
    outcome: object({ kind: { enum: ['quiescent', 'stalled', 'limit'] }, idleSinceUs: number, limit: { enum: ['events', 'virtual-time'] }, value: number }, ['idleSinceUs', 'limit', 'value']),
    finding: object(findingProperties()),
    traceHash: { type: 'string', pattern: '^[0-9a-f]{16}$' },
    coverage: {
      type: 'object',
      description: 'per dangerous window (e.g. consumer-crash-after-db-commit): its words, the decision points reached, the reached points faulted (or, for sweep and check, named), and the runs that faulted it',
      additionalProperties: object({ words: string, reached: { ...nullable(integer(0)), description: 'null: the search cannot see the points of this window it did not fault' }, faulted: integer(0), runsFaulted: integer(0) }),
    },
  };
}

/** The fields every command's output starts with. */
function envelopeProperties(command: CommandName): Record<string, Schema> {
  return { schemaVersion: { const: SCHEMA_VERSION }, tool: ref('tool'), command: { const: command } };
}

/** The definitions a schema refers to, directly or through other definitions: each file stands alone. */
function usedDefinitions(body: Schema): Record<string, Schema> {
  const all = definitions();
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const name = key === '$ref' && typeof item === 'string' ? item.replace('#/$defs/', '') : undefined;
        if (name !== undefined && !used.has(name)) {
          used.add(name);
          visit(all[name]);
        } else visit(item);
      }
    }
  };
  visit(body);
  return Object.fromEntries(Object.keys(all).filter((name) => used.has(name)).map((name) => [name, all[name]]));
}

function schemaFile(name: string, title: string, body: Schema): Schema {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${SCHEMA_BASE}/${name}.schema.json`, title, ...body, $defs: usedDefinitions(body) };
}

function commandSchema(command: CommandName, title: string, properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return schemaFile(command, title, object({ ...envelopeProperties(command), ...properties }, optional));
}

function runInvariants(): Schema {
  const invariant = object({ promised: boolean, holds: boolean, count: integer(0), status: ref('invariantStatus'), acknowledgedCount: integer(0), notProducedCount: { ...integer(1), description: 'loss only, when some: messages never handed over because a limit stopped the run first (not produced, so not lost)' }, inFlightAtLimitCount: { ...integer(1), description: 'loss only, when some: messages handed over but neither applied nor parked when a limit stopped the run (they may still have been on their way: not counted as lost; liveness reports the limit)' }, witnesses: array(ref('witness')) }, ['acknowledgedCount', 'notProducedCount', 'inFlightAtLimitCount']);
  return each(INVARIANT_NAMES, invariant);
}

/** The run's invariants plus `schedule` when delays are used (RabbitMQ's delayed delivery), with its lateness. */
function withSchedule(invariants: Schema): Schema {
  const base = invariants as { properties: Record<string, Schema> };
  const schedule = object({ promised: boolean, holds: boolean, count: integer(0), status: ref('invariantStatus'), witnesses: array(ref('witness')), lateMsMax: number }, [], 'with delayed delivery only: a delayed message is never processed before its due time; lateMsMax: how late the latest was');
  return { ...invariants, properties: { ...base.properties, schedule } };
}

const parked = object(
  { count: integer(0), witnesses: array(ref('witness')), alsoApplied: { ...integer(1), description: 'of count, the records a later redelivery applied as well (absent when none)' } },
  ['alsoApplied'],
  'records parked (Kafka: the dead-letter topic; RabbitMQ: the dead-letter queue): neither applied nor lost, unless a later redelivery applied them (alsoApplied)',
);

function runSchema(): Schema {
  return commandSchema(
    'run',
    'simulate --json: one run',
    {
      mode: ref('mode'),
      seed: integer(0),
      scenario: nullable(string),
      config: ref('config'),
      faultSource: ref('faultSource'),
      faultCounts: ref('faultCounts'),
      plan: { ...ref('plan'), description: 'the faults actually injected, in order: replay it with --plan' },
      unusedPlanFaults: array(ref('fault')),
      invariants: withSchedule(runInvariants()),
      handlerInvariants: {
        type: 'object',
        description: "--handler only: the handler's own invariants by name, promised in every mode",
        additionalProperties: object({ promised: { const: true }, holds: boolean, count: integer(0), status: { enum: ['holds', 'VIOLATED'] }, witnesses: array(string) }),
      },
      groups: { type: 'object', additionalProperties: object({ invariants: runInvariants(), parked, lag: ref('lag') }) },
      parked,
      returned: { ...object({ count: integer(0), witnesses: array(ref('witness')) }), description: 'RabbitMQ only: messages the broker returned to their publisher (basic.return, mandatory)' },
      verdict: ref('verdict'),
      outcome: ref('outcome'),
      stats: object({
        events: integer(0),
        virtualTimeMs: number,
        traceRecords: integer(0),
        appliedByConsumer: { type: 'object', additionalProperties: integer(0) },
        lag: ref('lag'),
        logDuplicates: object({ count: integer(0), witnesses: array(ref('witness')) }, [], 'messages a partition log holds more than once at the end of the run (a produce retry or an outbox re-send appended them again), whether or not the DB applied them twice'),
        abortedApplied: { ...integer(0), description: 'effects applied from records of aborted transactions (read_uncommitted shows them; 0 without --transactions)' },
        transactions: object({ committed: integer(0), aborted: integer(0), committedDuplicates: { ...integer(0), description: 'messages written more than once by committed transactions: 0 is exactly-once inside Kafka' } }, [], 'with --transactions true only'),
        maxQueueLength: { ...integer(0), description: 'RabbitMQ only: the most ready messages a queue held' },
        wallMs: number,
      }, ['transactions', 'maxQueueLength']),
      traceHash: ref('traceHash'),
      replay: string,
    },
    ['unusedPlanFaults', 'handlerInvariants', 'returned'],
  );
}

function checkSchema(): Schema {
  const searched = { promised: boolean, plansTried: integer(0) };
  const search = { anyOf: [object({ ...searched, found: { const: false } }), object({ ...searched, found: { const: true }, ...findingProperties() })] };
  return commandSchema('check', 'simulate check --json: generated plans per invariant, the minimal one that breaks it', {
    mode: ref('mode'),
    seed: integer(0),
    scenario: nullable(string),
    config: ref('config'),
    search: object({ runsPerInvariant: integer(1), maxFaults: integer(1), kinds: array({ enum: [...FAULT_KINDS] }), fastCheckSeed: integer(0) }),
    invariants: { type: 'object', propertyNames: { enum: [...INVARIANT_NAMES] }, additionalProperties: search },
    handlerInvariants: { type: 'object', description: "--handler only: the search of each of the handler's own invariants (promised in every mode)", additionalProperties: search },
    emittedPlan: nullable(string),
    verdict: ref('verdict'),
    stats: object({ simulationRuns: integer(0), wallMs: number }),
    coverage: ref('coverage'),
  }, ['handlerInvariants']);
}

function shrinkSchema(): Schema {
  const originalInvariant = object({ promised: boolean, status: ref('invariantStatus'), count: integer(0) });
  return commandSchema('shrink', 'simulate shrink --json: the fewest faults of a failing run, per broken invariant', {
    mode: ref('mode'),
    seed: integer(0),
    scenario: nullable(string),
    config: ref('config'),
    original: object(
      { faultSource: ref('faultSource'), plan: ref('plan'), traceHash: ref('traceHash'), replay: string, invariants: each(INVARIANT_NAMES, originalInvariant), handlerInvariants: { type: 'object', description: "--handler only: the handler's own invariants in the original run (promised in every mode)", additionalProperties: originalInvariant } },
      ['handlerInvariants'],
    ),
    nothingToShrink: nullable(string),
    findings: array(ref('finding')),
    emittedPlan: nullable(string),
    verdict: ref('verdict'),
    stats: object({ simulationRuns: integer(0), wallMs: number }),
  });
}

function compareSchema(): Schema {
  const invariant = object({ promised: boolean, status: ref('invariantStatus'), count: integer(0), witnesses: array(ref('witness')) });
  const column = object({ settings: { type: 'object' }, invariants: each(INVARIANT_NAMES, invariant), faultsFired: integer(0), unusedPlanFaults: array(ref('fault')), verdict: ref('verdict'), traceHash: ref('traceHash'), replay: string });
  return commandSchema('compare', 'simulate compare --json: one plan under every mode', {
    seed: integer(0),
    scenario: nullable(string),
    workload: settingsGroup('workload', false),
    topology: settingsGroup('topology', false),
    faultsFrom: object({ mode: ref('mode'), source: string }),
    plan: ref('plan'),
    planFile: nullable(string),
    modes: each(MODE_NAMES, column),
    brokers: { ...each(FAMILY_NAMES, column), description: 'compare --broker kafka,rabbitmq (instead of modes): one column per family, the same logical faults' },
    verdict: ref('verdict'),
    stats: object({ wallMs: number }),
  }, ['modes', 'brokers']);
}

function sweepSchema(): Schema {
  const invariant = object(
    {
      promised: boolean,
      seedsBroken: integer(0),
      status: ref('invariantStatus'),
      examples: { ...array(integer(0)), description: 'the first seeds that broke it, ascending' },
      count: { ...integer(0), description: 'messages that broke it, summed over seeds' },
      acknowledgedSeeds: { ...integer(0), description: 'loss only: seeds that lost a message the broker had acknowledged' },
      acknowledgedCount: { ...integer(0), description: 'loss only: acknowledged messages lost, summed over seeds' },
    },
    ['acknowledgedSeeds', 'acknowledgedCount'],
  );
  const { seed: _seed, ...configProperties } = (definitions().config as { properties: Record<string, Schema> }).properties;
  const range = object({ from: integer(0), to: integer(0) });
  const faultKindsFired = { ...each(FAULT_KINDS, integer(0)), description: 'per fault kind, the seeds in which it fired' };
  const handlerInvariants = { type: 'object', description: "--handler only: the handler's own invariants, promised in every mode", additionalProperties: object({ seedsBroken: integer(0), examples: array(integer(0)) }) };
  const point = object(
    {
      value: { type: ['number', 'string'], description: 'the value of the varied rate or setting (a word for a setting that takes words)' },
      invariants: each(INVARIANT_NAMES, invariant),
      handlerInvariants,
      faultKindsFired,
      unsettled: integer(0),
      verdict: ref('verdict'),
      firstViolationReplay: nullable(string),
    },
    ['handlerInvariants'],
    'the sweep at one value of the varied rate or setting',
  );
  const plain = ['invariants', 'faultKindsFired', 'unsettled', 'parked', 'lag', 'firstViolationReplay', 'coverage'];
  const schema = commandSchema(
    'sweep',
    'simulate sweep --json (and simulate merge): one configuration over a range of seeds; with --vary, one sweep per value',
    {
      mode: ref('mode'),
      seeds: { ...range, description: 'the seeds this output covers (with --shard, the shard\'s piece)' },
      handler: { ...string, description: '--handler only: the module that ran in place of the built-in processing' },
      handlerInvariants,
      shard: { ...object({ index: integer(1), count: integer(1), seeds: range, faulted: { ...object({ keys: array(array(string)), runs: array(integer(0)) }), description: 'per dangerous window, the points this piece\'s faults hit: merge joins them into the whole sweep\'s coverage' } }), description: '--shard only: this is piece index of count of the seeds range (simulate merge joins the pieces)' },
      scenario: nullable(string),
      config: object(configProperties),
      faultSource: ref('faultSource'),
      invariants: each(INVARIANT_NAMES, invariant),
      faultKindsFired,
      unsettled: integer(0),
      parked: object({ seeds: integer(0), records: integer(0) }),
      lag: object({ maxRecords: integer(0), maxMs: number, seed: integer(0) }),
      vary: { ...object({ name: string, target: { enum: ['fault rate', 'setting'] }, from: number, to: number, step: number, values: { ...array({ type: ['number', 'string'] }), description: 'a list name=a,b,...: the values, in the order given' } }, ['from', 'to', 'step', 'values']), oneOf: [{ required: ['from', 'to', 'step'], not: { required: ['values'] } }, { required: ['values'], not: { anyOf: [{ required: ['from'] }, { required: ['to'] }, { required: ['step'] }] } }], description: '--vary only: the rate or setting varied, and its values: a range (from, to, step) or a list (values)' },
      points: { ...array(point), description: '--vary only: one sweep per value, ordered by value (a list: in the order given)' },
      verdict: ref('verdict'),
      firstViolationReplay: nullable(string),
      stats: object({ runs: integer(0), events: integer(0), wallMs: number }),
      coverage: ref('coverage'),
    },
    [...plain, 'handler', 'handlerInvariants', 'shard', 'vary', 'points'],
  );
  // A plain sweep (or a merge) has the aggregate fields; a --vary sweep has them per point instead.
  return { ...schema, oneOf: [{ required: plain, not: { required: ['points'] } }, { required: ['vary', 'points'], not: { anyOf: plain.map((name) => ({ required: [name] })) } }] };
}

function exploreSchema(): Schema {
  const found = object({
    invariant: { ...string, description: `a built-in invariant (${INVARIANT_NAMES.join(', ')}), or with --handler one of the handler's own` },
    promised: boolean,
    status: ref('invariantStatus'),
    cause: { ...string, description: 'each fault of the plan by kind and point or named choice, e.g. "consumer-crash after-db-commit"' },
    plan: { ...ref('plan'), description: 'the first minimal plan of this cause: no smaller plan that was run breaks the same invariant' },
    equivalentPlans: { ...integer(1), description: 'minimal plans of this cause (differing only in the message, attempt or time they hit), this one included' },
    traceHash: ref('traceHash'),
    replay: string,
  });
  return commandSchema('explore', 'simulate explore --json: every plan of at most K faults over every decision point the world reaches', {
    mode: ref('mode'),
    seed: integer(0),
    scenario: nullable(string),
    config: ref('config'),
    maxFaults: integer(0),
    kinds: array({ enum: [...FAULT_KINDS] }),
    limits: object({ maxRuns: nullable(integer(1)), maxTimeS: nullable(number) }),
    exhaustive: { ...boolean, description: 'true only when every plan of at most maxFaults faults was run' },
    stoppedBy: { enum: [null, 'max-runs', 'time'] },
    completeUpTo: { ...integer(-1), description: 'every plan of at most this many faults was run' },
    plansRun: { ...integer(0), description: 'plans run, the fault-free one included' },
    plansByFaults: { ...array(integer(0)), description: 'plans run per number of faults (index = faults)' },
    distinctRuns: { ...integer(0), description: 'plans whose trace, fault records aside, differs from every other plan\'s' },
    naivePlans: { ...number, description: 'every set of at most K of the points and choices: what a naive enumeration would run' },
    // Per fault kind of the run's family, as faultCounts.
    decisionPoints: { ...object(Object.fromEntries(FAULT_KINDS.map((kind) => [kind, integer(0)])), FAULT_KINDS), description: "distinct decision points by kind (the run's family's kinds)" },
    decisionPointsTotal: integer(0),
    choices: object({
      partitionStartsMs: array(number),
      partitionDurations: array({ enum: ['short', 'to-heal'] }),
      requestDelaysMs: { type: 'object', additionalProperties: number },
      processingErrorDeliveries: { type: 'object', additionalProperties: { anyOf: [integer(1), { const: 'always' }] } },
    }),
    breaks: array(found),
    coverage: { ...ref('coverage'), description: 'per dangerous window: points reached by a plan of fewer than K faults, and those some plan faulted' },
    corpusFiles: array(string),
    verdict: ref('verdict'),
    summary: string,
    stats: object({ simulationRuns: integer(0), wallMs: number }),
  });
}

function planFileSchema(): Schema {
  // The plan reader refuses unknown fields, so the file format is closed (unlike the outputs).
  const group = (name: SettingGroup): Schema => ({ ...settingsGroup(name, true), additionalProperties: false });
  const meta = object(
    {
      origin: string,
      broker: { enum: [...FAMILY_NAMES], description: 'the broker family it was recorded in (absent: kafka)' },
      mode: ref('mode'),
      seed: integer(0),
      scenario: string,
      handler: { ...string, description: 'the --handler module it was recorded with, as given on that command line' },
      workload: group('workload'),
      topology: group('topology'),
      settings: group('settings'),
      timing: group('timing'),
      limits: group('limits'),
      invariant: { enum: [...INVARIANT_NAMES] },
      replay: string,
      note: string,
    },
    ['origin', 'broker', 'mode', 'seed', 'scenario', 'handler', 'workload', 'topology', 'settings', 'timing', 'limits', 'invariant', 'replay', 'note'],
    'the world the plan was recorded in (replayed by --plan) and notes for humans',
  );
  return schemaFile('plan', 'a fault plan file (--plan, --emit-plan)', {
    type: 'object',
    properties: { version: { const: PLAN_VERSION }, meta: { ...meta, additionalProperties: false }, faults: array(ref('fault')) },
    required: ['version', 'faults'],
    additionalProperties: false,
  });
}

/** Every schema the package ships, by file name. */
export function jsonSchemas(): Record<string, Schema> {
  return {
    'run.schema.json': runSchema(),
    'check.schema.json': checkSchema(),
    'shrink.schema.json': shrinkSchema(),
    'compare.schema.json': compareSchema(),
    'sweep.schema.json': sweepSchema(),
    'explore.schema.json': exploreSchema(),
    // merge prints the JSON the unsharded sweep would have printed (command "sweep"), so its schema is the sweep's.
    'merge.schema.json': { ...sweepSchema(), $id: `${SCHEMA_BASE}/merge.schema.json`, title: 'simulate merge: the shards\' sweep --json joined, exactly the unsharded sweep\'s JSON (command "sweep")' },
    'plan.schema.json': planFileSchema(),
  };
}

/** A schema as its file holds it: two-space JSON and a final newline. */
export function schemaText(schema: Schema): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
