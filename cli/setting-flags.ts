/**
 * Every setting as a CLI flag, read off the settings' spec rows (models/settings): one definition drives option
 * registration, parsing, validation messages, `simulate list`, and the replay command, so they cannot drift apart.
 */
import { FAMILIES } from '../models/families.js';
import { settingSpecs } from '../models/resolve.js';
import { allowedText, defaultText, optionProperty, parseSettingText } from '../models/settings/spec.js';
import type { SettingSpec, SettingValue } from '../models/settings/spec.js';
import { UsageError } from './usage-error.js';
import { quoteInput } from '../models/quote.js';

export { optionProperty };

/** Every family's settings and the shared ones, each once (a flag means the same in every family that has it). */
export const SETTING_FLAGS: readonly SettingSpec[] = (() => {
  const seen = new Map<string, SettingSpec>();
  for (const family of Object.values(FAMILIES)) for (const spec of settingSpecs(family)) if (!seen.has(spec.key)) seen.set(spec.key, spec);
  return [...seen.values()];
})();

const byKey = new Map(SETTING_FLAGS.map((spec) => [spec.key, spec]));

/** The CLI flag for a config key (for error messages that come from config validation). */
export function flagForKey(key: string): string {
  const found = byKey.get(key);
  return found === undefined ? key : `--${found.flag}`;
}

/** What a flag accepts, for --help and `simulate list`. */
export function kindHint(spec: SettingSpec): string {
  return allowedText(spec);
}

/** One line of help: what it does, what it takes, and its default (or that the mode preset sets it). */
export function flagHelp(spec: SettingSpec): string {
  const fallback = defaultText(spec);
  return `${spec.doc} [${kindHint(spec)}; ${fallback === undefined ? 'default: the mode preset' : `default ${fallback}`}]`;
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

export function parseInteger(label: string, raw: string, min: number, max: number): number {
  const value = INTEGER.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`invalid ${label} ${quoteInput(raw)}: expected an integer from ${min} to ${max}`);
  return value;
}

export function parseDecimal(label: string, raw: string, min: number, max: number): number {
  const value = DECIMAL.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`invalid ${label} ${quoteInput(raw)}: expected a number from ${min} to ${max}`);
  return value;
}

export function parseSettingValue(spec: SettingSpec, raw: string): SettingValue {
  const parsed = parseSettingText(spec, raw);
  if ('problem' in parsed) throw new UsageError(`invalid --${spec.flag} ${quoteInput(raw)}: ${parsed.problem}`);
  return parsed.value;
}
