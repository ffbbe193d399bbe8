/**
 * The README's reference tables, read off the spec rows: every setting (flag, the real system's name, what it
 * accepts, each mode's value, what it does), every fault kind, every scenario with each mode's expected verdict.
 * `npm run docs` writes them into README.md between their markers, and a test fails when the README drifts.
 */
import { FAMILIES } from '../models/families.js';
import type { Family } from '../models/family.js';
import { FAULT_KINDS, INSTANCE_FIELDS, specOf } from '../models/faults/catalog.js';
import { INVARIANT_NAMES, MODE_NAMES, PROMISES } from '../models/modes.js';
import type { ModeName } from '../models/modes.js';
import { settingSpecs } from '../models/resolve.js';
import { allowedText, defaultText, settingText } from '../models/settings/spec.js';
import type { SettingSpec, SettingValue } from '../models/settings/spec.js';
import { SCENARIOS } from '../scenarios/scenarios.js';
import type { ModeExpectation } from '../scenarios/scenarios.js';
import { code, raw, table } from './markdown.js';

/** Each mode's preset value of a setting, or undefined when no preset sets it (it has a default of its own). */
export function modeValues(spec: SettingSpec, family: Family = FAMILIES.kafka): SettingValue[] | undefined {
  const values = MODE_NAMES.map((mode) => (family.modes[mode].settings as Record<string, SettingValue | undefined>)[spec.key]);
  return values.some((value) => value === undefined) ? undefined : (values as SettingValue[]);
}

/** A setting's default in words: one value for every mode, each mode's (`0 · all · all`), or its own default. */
export function defaultInWords(spec: SettingSpec, family: Family = FAMILIES.kafka): string {
  const values = modeValues(spec, family);
  if (values === undefined) return defaultText(spec) ?? '';
  return values.every((value) => value === values[0]) ? settingText(values[0]) : values.map(settingText).join(' · ');
}

/**
 * One setting per row, grouped by component: `--flag`, real name, accepted values, default, what it does. With
 * `ownOnly`, only the settings the Kafka family does not share (RabbitMQ's own, below the Kafka table).
 */
export function settingsReference(family: Family = FAMILIES.kafka, ownOnly = false): string {
  const shared = new Set(ownOnly ? settingSpecs(FAMILIES.kafka).map((spec) => spec.key) : []);
  const rows = settingSpecs(family).filter((spec) => !shared.has(spec.key)).map((spec) => [spec.component, raw(code(`--${spec.flag}`)), spec.realName, allowedText(spec), defaultInWords(spec, family), spec.doc]);
  return table(['component', 'flag', 'real name', 'accepts', `default (${MODE_NAMES.join(' · ')})`, 'what it does'], rows, undefined, true);
}

/** One fault kind per row: its rate, its plan fields (instance fields in brackets: the first instance when left out), what it does. */
export function faultKindsReference(): string {
  const rows = FAULT_KINDS.map((kind) => {
    const spec = specOf(kind);
    const fields = Object.keys(spec.fields).map((field) => (INSTANCE_FIELDS.includes(field) ? `[${field}]` : field));
    return [raw(code(kind)), raw(code(spec.rate)), fields.join(', '), spec.summary];
  });
  return table(['kind', 'rate', 'plan fields', 'what happens'], rows, undefined, true);
}

/** What a mode is expected to show in a scenario: nothing breaks, or which invariants break (VIOLATED when promised). */
export function expectationText(mode: ModeName, expected: ModeExpectation): string {
  const breaks: string[] = [];
  for (const name of INVARIANT_NAMES) {
    const expectation = expected[name];
    if (expectation === undefined || expectation === 'holds') continue;
    const sometimes = expectation === 'may-break' ? ' (some seeds)' : '';
    breaks.push(PROMISES[mode][name] ? `**${name} VIOLATED**${sometimes}` : `${name}${sometimes}`);
  }
  if (expected.parked === 'some') breaks.push('parks');
  return breaks.length === 0 ? 'nothing breaks' : breaks.join(', ');
}

/** One scenario per row: what it forces, and what each mode is expected to show. */
export function scenariosReference(): string {
  const rows = SCENARIOS.map((scenario) => [raw(code(scenario.name)), scenario.summary, ...MODE_NAMES.map((mode) => raw(expectationText(mode, scenario.expected[mode])))]);
  return table(['scenario', 'what it forces', ...MODE_NAMES], rows, undefined, true);
}

/** The generated blocks of README.md, by marker name (`<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`). */
export function readmeBlocks(): Record<string, string> {
  return { settings: settingsReference(), 'rabbitmq-settings': settingsReference(FAMILIES.rabbitmq, true), 'fault-kinds': faultKindsReference(), scenarios: scenariosReference() };
}

/** README text with every generated block replaced by its current content (blocks without markers are left out). */
export function withGeneratedBlocks(readme: string, blocks: Record<string, string> = readmeBlocks()): string {
  let text = readme;
  for (const [name, content] of Object.entries(blocks)) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) continue;
    text = `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
  }
  return text;
}
