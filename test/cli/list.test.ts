/** `simulate list` shows each mode's value beside every setting; `simulate list --json` is the same catalogue as data. */
import { beforeAll, describe, expect, it } from 'vitest';
import { settingFamilies, valuesByMode } from '../../cli/commands/list.js';
import { SETTING_FLAGS } from '../../cli/setting-flags.js';
import { FAMILIES } from '../../models/families.js';
import { FAULT_KINDS, FAULT_PRESETS, RATE_NAMES } from '../../models/faults/catalog.js';
import { MODE_NAMES } from '../../models/modes.js';
import { allowedText, settingText } from '../../models/settings/spec.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

interface ListJson {
  command: string;
  families: { name: string }[];
  modes: { name: string; promises: Record<string, boolean> }[];
  settings: { flag: string; families?: string[]; realName: string; accepts: string; defaultByMode: Record<string, unknown> | null; defaultDerived: string | null; doc: string; component: string }[];
  scenarios: { name: string; summary: string }[];
  topologies: { default: Record<string, number>; flags: string[] };
  faultRates: { name: string }[];
  faultPresets: Record<string, Record<string, number>>;
  faultKinds: { kind: string; fields: string[]; summary: string }[];
}

describe.concurrent('simulate list', () => {
  it('--json lists every setting with its real name, range, each mode\'s value and doc; modes, kinds, presets, scenarios, topologies', async () => {
    const run = await runCli(['list', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const list = JSON.parse(run.stdout) as ListJson;
    expect(list).toMatchObject({ schemaVersion: 1, tool: { name: 'delivery-sim' }, command: 'list' });
    expect(list.families.map((family) => family.name)).toEqual(Object.keys(FAMILIES));
    expect(list.modes.map((mode) => mode.name)).toEqual(MODE_NAMES);
    expect(list.settings.map((setting) => setting.flag)).toEqual(SETTING_FLAGS.map((spec) => `--${spec.flag}`));
    for (const spec of SETTING_FLAGS) {
      const setting = list.settings.find((item) => item.flag === `--${spec.flag}`);
      expect(setting).toMatchObject({ realName: spec.realName, accepts: allowedText(spec), doc: spec.doc, component: spec.component });
      // A setting's family's presets (Kafka's for the application's settings, which both families have).
      const presets = (settingFamilies(spec)[0] ?? FAMILIES.kafka).modes;
      expect(setting?.families).toEqual(settingFamilies(spec).map((family) => family.name));
      const preset = (mode: string): unknown => (presets[mode as keyof typeof presets].settings as Record<string, unknown>)[spec.key];
      if (preset('at-least-once') !== undefined) {
        for (const mode of MODE_NAMES) expect(setting?.defaultByMode?.[mode], `${spec.flag} ${mode}`).toEqual(preset(mode));
      } else if (typeof spec.default === 'object') {
        expect(setting?.defaultByMode).toBeNull();
        expect(setting?.defaultDerived).toBe(spec.default.text);
      } else {
        for (const mode of MODE_NAMES) expect(setting?.defaultByMode?.[mode]).toEqual(spec.default);
      }
    }
    expect(list.faultKinds.map((kind) => kind.kind)).toEqual(FAULT_KINDS);
    expect(list.faultRates.map((rate) => rate.name)).toEqual(RATE_NAMES);
    expect(list.faultPresets).toEqual(FAULT_PRESETS);
    expect(list.scenarios.map((scenario) => scenario.name)).toEqual(SCENARIOS.map((scenario) => scenario.name));
    expect(list.topologies.flags).toEqual(['--producers', '--groups', '--consumers']);
  });

  it('the text shows each mode\'s value beside every setting, in one column per mode', async () => {
    const run = await runCli(['list']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const header = lines.find((line) => line.startsWith('  flag ')) ?? '';
    const columns = MODE_NAMES.map((mode) => header.indexOf(mode));
    expect(columns.every((column) => column > 0)).toBe(true);
    for (const spec of SETTING_FLAGS) {
      const line = lines.find((item) => item.startsWith(`  --${spec.flag} `));
      expect(line, spec.flag).toBeDefined();
      const values = valuesByMode(spec);
      MODE_NAMES.forEach((mode, index) => {
        const expected = values === undefined ? 'derived' : settingText(values[mode]);
        expect(line?.slice(columns[index]).split(' ')[0], `${spec.flag} ${mode}`).toBe(expected);
      });
    }
    // A mode whose preset differs shows it: acks is 0 under at-most-once and all under the others.
    const acks = lines.find((line) => line.startsWith('  --acks ')) ?? '';
    expect(acks.slice(columns[0]).startsWith('0 ')).toBe(true);
  });
});
