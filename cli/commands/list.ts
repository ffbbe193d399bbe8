/**
 * `simulate list [--json]`: families, modes, scenarios, topologies, fault rates, presets and kinds, and every
 * setting with each mode's value beside it. Everything is read off the spec rows, so a new setting, fault kind
 * or scenario shows up here by itself.
 */
import { envelope } from '../json-contract.js';
import type { Command } from 'commander';
import { FAMILIES } from '../../models/families.js';
import type { Family } from '../../models/family.js';
import { FAULT_KINDS, FAULT_PRESETS, INSTANCE_FIELDS, RATE_DESCRIPTIONS, RATE_NAMES, specOf } from '../../models/faults/catalog.js';
import { MODE_NAMES, PROMISES } from '../../models/modes.js';
import { DEFAULT_TOPOLOGY } from '../../models/topology.js';
import { allowedText, defaultText, settingText } from '../../models/settings/spec.js';
import type { SettingSpec, SettingValue } from '../../models/settings/spec.js';
import { modeValues } from '../../reports/reference-tables.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import { SETTING_FLAGS } from '../setting-flags.js';
import { layoutTable } from '../table.js';
import type { Cell } from '../table.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list families, modes, scenarios, topologies, fault rates and kinds, and every setting with each mode\'s value')
    .option('--json', 'print one JSON object instead of the tables')
    .action((values: { json?: boolean }) => {
      process.stdout.write(values.json === true ? JSON.stringify(listJson(), null, 2) + '\n' : renderList());
    });
}

/** The families that have a setting (both for the application's), in FAMILIES' order. */
export function settingFamilies(spec: SettingSpec): Family[] {
  return Object.values(FAMILIES).filter((family) => family.settings.some((item) => item.key === spec.key));
}

/**
 * Each mode's value of a setting: its family's preset's (Kafka's for a setting both have), or the setting's own
 * plain default; undefined for a derived default.
 */
export function valuesByMode(spec: SettingSpec): Record<string, SettingValue> | undefined {
  const presets = modeValues(spec, settingFamilies(spec)[0] ?? FAMILIES.kafka);
  if (presets !== undefined) return Object.fromEntries(MODE_NAMES.map((mode, index) => [mode, presets[index]]));
  if (spec.default === undefined || typeof spec.default === 'object') return undefined;
  const fallback = spec.default;
  return Object.fromEntries(MODE_NAMES.map((mode) => [mode, fallback]));
}

const PROMISE_WORDS: Record<string, string> = { loss: 'no loss', duplicates: 'no duplicates', order: 'per-key order', liveness: 'settles after healing' };

const TOPOLOGY_INSTANCES = { producer: 'p1 … pN (--producers)', group: 'g1 … gM (--groups)', consumer: 'g1/c1 … gM/cK (--consumers members per group)' };

/** A section: its heading, then a two-or-more-column table indented by two. */
function section(heading: string, rows: readonly (readonly Cell[])[]): string[] {
  return [heading, ...layoutTable(rows).map((line) => `  ${line}`)];
}

function settingsSection(): string[] {
  const rows: Cell[][] = [['flag', ...MODE_NAMES, 'real name: what it does [accepts]']];
  let component: string | undefined;
  for (const spec of SETTING_FLAGS) {
    // A one-cell row does not widen the flag column beyond the flags themselves (the last cell is never padded).
    if (spec.component !== component) rows.push([`${(component = spec.component)}:`]);
    const values = valuesByMode(spec);
    const derived = values === undefined ? `; default ${defaultText(spec) ?? 'the mode preset'}` : '';
    rows.push([`--${spec.flag}`, ...MODE_NAMES.map((mode) => (values === undefined ? 'derived' : settingText(values[mode]))), `${spec.realName}: ${spec.doc} [${allowedText(spec)}${derived}]`]);
  }
  return section('settings (--flag value, on top of the mode preset; each mode\'s value):', rows);
}

export function renderList(): string {
  const lines = [
    ...section('families:', Object.values(FAMILIES).map((family) => [family.name, family.summary])),
    ...section(
      'modes:',
      MODE_NAMES.map((mode) => {
        const promises = Object.entries(PROMISES[mode]).filter(([, promised]) => promised).map(([name]) => PROMISE_WORDS[name]);
        const presets = Object.values(FAMILIES).map((family) => `${family.name}: ${family.modes[mode].summary}`);
        return [mode, `promises ${promises.join(', ')}; ${presets.join('; ')}`];
      }),
    ),
    ...section('scenarios (--scenario name):', SCENARIOS.map((scenario) => [scenario.name, scenario.summary])),
    ...section('topologies (instance names, as fault plans name them):', Object.entries(TOPOLOGY_INSTANCES)),
    ...section('fault rates (--faults name=rate,...):', RATE_NAMES.map((name) => [name, RATE_DESCRIPTIONS[name]])),
    ...section(
      'fault presets:',
      Object.entries(FAULT_PRESETS).map(([name, rates]) => [name, Object.entries(rates).filter(([, rate]) => rate > 0).map(([rate, value]) => `${rate}=${value}`).join(',') || 'no faults']),
    ),
    ...section(
      'fault kinds (in plans; fields in brackets name an instance and may be left out for the first one):',
      FAULT_KINDS.map((kind) => {
        const spec = specOf(kind);
        const fields = Object.keys(spec.fields).map((field) => (INSTANCE_FIELDS.includes(field) ? `[${field}]` : field));
        return [kind, `${spec.summary}; fields: ${fields.join(', ')}`];
      }),
    ),
    ...settingsSection(),
  ];
  return lines.join('\n') + '\n';
}

/** `simulate list --json`: the same catalogue as data, for tools. */
export function listJson(): Record<string, unknown> {
  return envelope('list', {
    families: Object.values(FAMILIES).map((family) => ({ name: family.name, summary: family.summary, faultKinds: family.faultKinds })),
    // `summary` is Kafka's preset (the default family), `presets` every family's.
    modes: MODE_NAMES.map((mode) => ({ name: mode, promises: PROMISES[mode], summary: FAMILIES.kafka.modes[mode].summary, presets: Object.fromEntries(Object.values(FAMILIES).map((family) => [family.name, family.modes[mode].summary])) })),
    settings: SETTING_FLAGS.map((spec) => ({
      flag: `--${spec.flag}`,
      key: spec.key,
      group: spec.group,
      component: spec.component,
      families: settingFamilies(spec).map((family) => family.name),
      realName: spec.realName,
      accepts: allowedText(spec),
      kind: spec.kind,
      // Each mode's value; null when the value is derived from the rest of the config (defaultDerived says how).
      defaultByMode: valuesByMode(spec) ?? null,
      defaultDerived: typeof spec.default === 'object' ? spec.default.text : null,
      doc: spec.doc,
    })),
    scenarios: SCENARIOS.map((scenario) => ({
      name: scenario.name,
      summary: scenario.summary,
      mechanism: scenario.mechanism,
      faults: scenario.faults,
      overrides: { workload: scenario.workload ?? {}, topology: scenario.topology ?? {}, settings: scenario.settings ?? {}, timing: scenario.timing ?? {} },
      expected: scenario.expected,
    })),
    topologies: { default: DEFAULT_TOPOLOGY, flags: SETTING_FLAGS.filter((spec) => spec.group === 'topology').map((spec) => `--${spec.flag}`), instances: TOPOLOGY_INSTANCES },
    faultRates: RATE_NAMES.map((name) => ({ name, description: RATE_DESCRIPTIONS[name] })),
    faultPresets: FAULT_PRESETS,
    faultKinds: FAULT_KINDS.map((kind) => {
      const spec = specOf(kind);
      const fields = Object.keys(spec.fields);
      return { kind, strikes: spec.strikes, rate: spec.rate, summary: spec.summary, fields, instanceFields: fields.filter((field) => INSTANCE_FIELDS.includes(field)), example: spec.example };
    }),
  });
}
