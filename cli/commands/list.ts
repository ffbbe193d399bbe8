/** `simulate list`: modes, scenarios, fault kinds, rates and settings, one line each. */
import type { Command } from 'commander';
import { MODE_NAMES } from '../../models/config.js';
import { FAULT_KINDS, FAULT_PRESETS, RATE_DESCRIPTIONS, RATE_NAMES } from '../../models/faults/catalog.js';
import { FAMILIES } from '../../models/families.js';
import { PROMISES } from '../../models/modes.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import { SETTING_FLAGS, flagHelp } from '../setting-flags.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list modes, scenarios, fault kinds, fault rates and settings, one line each')
    .action(() => {
      process.stdout.write(renderList());
    });
}

export function renderList(): string {
  const lines: string[] = ['modes:'];
  for (const mode of MODE_NAMES) {
    const words: Record<string, string> = { loss: 'no loss', duplicates: 'no duplicates', order: 'per-key order', liveness: 'settles after healing' };
    const promises = Object.entries(PROMISES[mode]).filter(([, promised]) => promised).map(([name]) => words[name]);
    lines.push(`  ${mode.padEnd(26)} promises ${promises.join(', ')}; ${FAMILIES.kafka.modes[mode].summary}`);
  }
  lines.push('scenarios:');
  for (const scenario of SCENARIOS) lines.push(`  ${scenario.name.padEnd(26)} ${scenario.summary}`);
  lines.push('fault rates (--faults name=rate,...):');
  for (const name of RATE_NAMES) lines.push(`  ${name.padEnd(26)} ${RATE_DESCRIPTIONS[name]}`);
  lines.push(`fault presets:`);
  for (const [name, rates] of Object.entries(FAULT_PRESETS)) {
    const nonZero = Object.entries(rates).filter(([, rate]) => rate > 0).map(([rate, value]) => `${rate}=${value}`);
    lines.push(`  ${name.padEnd(26)} ${nonZero.join(',') || 'no faults'}`);
  }
  lines.push(`fault kinds (in plans): ${FAULT_KINDS.join(', ')}`);
  lines.push('settings (--flag value, on top of the mode preset):');
  for (const spec of SETTING_FLAGS) lines.push(`  --${spec.flag.padEnd(24)} ${spec.realName === spec.doc ? '' : `${spec.realName}: `}${flagHelp(spec)}`);
  return lines.join('\n') + '\n';
}
