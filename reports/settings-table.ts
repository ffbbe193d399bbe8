/**
 * Every effective setting of a run as table rows, grouped by component, each with the name the real systems
 * use for it (so a reviewer who knows Kafka reads `max.in.flight.requests.per.connection`, not our field), and
 * a note where the run overrides its mode's preset — the usual reason a promised invariant was VIOLATED. The rows
 * are the settings' own spec rows (models/settings), so the table cannot drift from validation or the CLI.
 */
import type { SimulationConfig } from '../models/config.js';
import { familyOf } from '../models/families.js';
import { presetSettings, settingSpecs } from '../models/resolve.js';
import { settingText } from '../models/settings/spec.js';

interface SettingRow {
  component: string;
  setting: string;
  realName: string;
  value: string;
  note: string;
}

export function settingValue(value: unknown): string {
  return settingText(value);
}

export function settingRows(config: SimulationConfig): SettingRow[] {
  const preset = presetSettings(config) as unknown as Record<string, unknown>;
  return settingSpecs(familyOf(config)).map((spec) => {
    const value = (config[spec.group] as unknown as Record<string, unknown>)[spec.key];
    const overridden = spec.group === 'settings' && preset[spec.key] !== value;
    return { component: spec.component, setting: spec.key, realName: spec.realName, value: settingValue(value), note: overridden ? `overrides the ${config.mode} preset (${settingValue(preset[spec.key])})` : '' };
  });
}

/** Settings whose values differ between runs (for the compare report), as [setting, value per run]. */
export function differingSettings(configs: readonly SimulationConfig[]): [string, string[]][] {
  const rows: [string, string[]][] = [];
  if (configs.length === 0) return rows;
  const perRun = configs.map((config) => settingRows(config));
  perRun[0].forEach((row, index) => {
    const values = perRun.map((run) => run[index]?.value ?? '');
    if (values.some((value) => value !== values[0])) rows.push([row.setting, values]);
  });
  return rows;
}
