/** `simulate list`: families, modes, scenarios, fault kinds, fault rates and settings, one line each. */
import type { Command } from 'commander';
import { FAMILIES } from '../../models/families.js';
import { FAULT_KINDS, FAULT_PRESETS, INSTANCE_FIELDS, RATE_DESCRIPTIONS, RATE_NAMES, specOf } from '../../models/faults/catalog.js';
import { MODE_NAMES, PROMISES } from '../../models/modes.js';
import { settingText } from '../../models/settings/spec.js';
import type { SettingSpec } from '../../models/settings/spec.js';
import { modeValues } from '../../reports/reference-tables.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import { SETTING_FLAGS, flagHelp } from '../setting-flags.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list families, modes, scenarios, fault kinds, fault rates and settings, one line each')
    .action(() => {
      process.stdout.write(renderList());
    });
}

/** Each mode's preset value of a setting, when the modes set it ("at-most-once 0, at-least-once all, ..."). */
function presetValues(spec: SettingSpec): string {
  const values = modeValues(spec);
  if (values === undefined) return '';
  if (values.every((value) => value === values[0])) return ` (every mode: ${settingText(values[0])})`;
  return ` (${MODE_NAMES.map((mode, index) => `${mode} ${settingText(values[index])}`).join(', ')})`;
}

export function renderList(): string {
  const lines: string[] = ['families:'];
  for (const family of Object.values(FAMILIES)) lines.push(`  ${family.name.padEnd(32)} ${family.summary}`);
  lines.push('modes:');
  const words: Record<string, string> = { loss: 'no loss', duplicates: 'no duplicates', order: 'per-key order', liveness: 'settles after healing' };
  for (const mode of MODE_NAMES) {
    const promises = Object.entries(PROMISES[mode]).filter(([, promised]) => promised).map(([name]) => words[name]);
    lines.push(`  ${mode.padEnd(32)} promises ${promises.join(', ')}; ${FAMILIES.kafka.modes[mode].summary}`);
  }
  lines.push('scenarios:');
  for (const scenario of SCENARIOS) lines.push(`  ${scenario.name.padEnd(32)} ${scenario.summary}`);
  lines.push('fault rates (--faults name=rate,...):');
  for (const name of RATE_NAMES) lines.push(`  ${name.padEnd(32)} ${RATE_DESCRIPTIONS[name]}`);
  lines.push(`fault presets:`);
  for (const [name, rates] of Object.entries(FAULT_PRESETS)) {
    const nonZero = Object.entries(rates).filter(([, rate]) => rate > 0).map(([rate, value]) => `${rate}=${value}`);
    lines.push(`  ${name.padEnd(32)} ${nonZero.join(',') || 'no faults'}`);
  }
  lines.push('fault kinds (in plans; fields in brackets name an instance and may be left out for the first one):');
  for (const kind of FAULT_KINDS) {
    const spec = specOf(kind);
    const fields = Object.keys(spec.fields).map((field) => (INSTANCE_FIELDS.includes(field) ? `[${field}]` : field));
    lines.push(`  ${kind.padEnd(32)} ${spec.summary}; fields: ${fields.join(', ')}`);
  }
  lines.push('settings (--flag value, on top of the mode preset):');
  for (const spec of SETTING_FLAGS) lines.push(`  --${spec.flag.padEnd(30)} ${spec.realName}: ${flagHelp(spec)}${presetValues(spec)}`);
  return lines.join('\n') + '\n';
}
