/**
 * One definition per setting. A SettingSpec row names the config field, the real system's name for it, its
 * range, its default (or that the mode preset sets it) and its documentation; validation, the CLI flags,
 * `simulate list`, the README's settings table and the report's settings table are all read off these rows.
 */

/** Where in a SimulationConfig the setting lives. */
export type SettingGroup = 'settings' | 'workload' | 'topology' | 'timing' | 'limits';
export const SETTING_GROUPS: readonly SettingGroup[] = ['settings', 'workload', 'topology', 'timing', 'limits'];

export type SettingValue = number | string | boolean;

/** A bound: a number, or another setting of the same group (`retryBackoffMaxMs` >= `retryBackoffMs`). */
export type Bound = number | { readonly ref: string };

export type SettingKind =
  | { readonly type: 'int'; readonly min: Bound; readonly max: Bound }
  | { readonly type: 'number'; readonly min: Bound; readonly max: Bound }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  /** Kafka's producer `acks`: 0, 1 or all (-1 is accepted on the command line as Kafka does). */
  | { readonly type: 'acks' }
  /** A count or the word `unlimited` (Spring's FixedBackOff.UNLIMITED_ATTEMPTS). */
  | { readonly type: 'count-or-unlimited'; readonly min: number; readonly max: number };

/** A derived default: computed from the config resolved so far (e.g. the faulty phase from the workload). */
export interface DerivedDefault {
  readonly derive: (groups: Readonly<Record<SettingGroup, Readonly<Record<string, SettingValue>>>>) => SettingValue;
  /** How the default is derived, for docs: "the workload's duration + 50 ms". */
  readonly text: string;
}

export interface SettingSpec {
  /** The config field, e.g. `maxInFlight`. */
  readonly key: string;
  readonly group: SettingGroup;
  /** What it configures, for grouped tables: producer, broker, consumer, application, workload, ... */
  readonly component: string;
  /** The CLI flag without its dashes, e.g. `max-in-flight`. */
  readonly flag: string;
  /** The real system's name (`max.in.flight.requests.per.connection`), or a short description when it has none. */
  readonly realName: string;
  readonly kind: SettingKind;
  /** One line: what it does. */
  readonly doc: string;
  /** For settings outside the mode presets: the default value, or how it is derived. Preset settings leave it out. */
  readonly default?: SettingValue | DerivedDefault;
  /**
   * A give-up deadline (`delivery.timeout.ms`), not a wait a healthy recovery sits through: it does not lengthen
   * the progress timeout (10 x the longest time setting), so a long deadline does not stretch every limit with it.
   */
  readonly deadline?: true;
}

function boundValue(bound: Bound, groupValues: Readonly<Record<string, SettingValue>>): number {
  return typeof bound === 'number' ? bound : (groupValues[bound.ref] as number);
}

/** A bound in words for --help, `list` and flag errors: another setting by its flag (every flag is its key, kebab-cased). */
function boundText(bound: Bound): string {
  return typeof bound === 'number' ? String(bound) : `--${bound.ref.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** "an integer from 0 to 1000", "0, 1, all": what the setting accepts (with cross-setting bounds resolved when given). */
export function allowedText(spec: SettingSpec, groupValues?: Readonly<Record<string, SettingValue>>): string {
  const kind = spec.kind;
  const bound = (value: Bound): string => (groupValues === undefined ? boundText(value) : String(boundValue(value, groupValues)));
  switch (kind.type) {
    case 'int':
      return `an integer from ${bound(kind.min)} to ${bound(kind.max)}`;
    case 'number':
      return `a number from ${bound(kind.min)} to ${bound(kind.max)}`;
    case 'bool':
      return 'true, false';
    case 'enum':
      return kind.values.join(', ');
    case 'acks':
      return '0, 1, all';
    case 'count-or-unlimited':
      return `an integer from ${kind.min} to ${kind.max}, or unlimited`;
  }
}

/** True when `value` is acceptable for the spec, given the other values of its group (for cross-setting bounds). */
export function acceptsValue(spec: SettingSpec, value: unknown, groupValues: Readonly<Record<string, SettingValue>>): boolean {
  const kind = spec.kind;
  switch (kind.type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= boundValue(kind.min, groupValues) && value <= boundValue(kind.max, groupValues);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= boundValue(kind.min, groupValues) && value <= boundValue(kind.max, groupValues);
    case 'bool':
      return value === true || value === false;
    case 'enum':
      return typeof value === 'string' && kind.values.includes(value);
    case 'acks':
      return value === 0 || value === 1 || value === 'all';
    case 'count-or-unlimited':
      return value === 'unlimited' || (typeof value === 'number' && Number.isInteger(value) && value >= kind.min && value <= kind.max);
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

/**
 * A command-line value as the setting's type, or a problem in words ("expected an integer from 1 to 64").
 * Only the setting's own range is checked here; cross-setting bounds are checked with the whole config.
 */
export function parseSettingText(spec: SettingSpec, raw: string): { value: SettingValue } | { problem: string } {
  const kind = spec.kind;
  const text = raw.trim();
  const numeric = (pattern: RegExp, integer: boolean, min: Bound, max: Bound): { value: SettingValue } | { problem: string } => {
    const value = pattern.test(text) ? Number(text) : Number.NaN;
    const low = typeof min === 'number' ? min : Number.NEGATIVE_INFINITY;
    const high = typeof max === 'number' ? max : Number.POSITIVE_INFINITY;
    const ok = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
    if (!ok || value < low || value > high) return { problem: `expected ${integer ? 'an integer' : 'a number'} from ${boundText(min)} to ${boundText(max)}` };
    return { value };
  };
  switch (kind.type) {
    case 'int':
      return numeric(INTEGER, true, kind.min, kind.max);
    case 'number':
      return numeric(DECIMAL, false, kind.min, kind.max);
    case 'bool':
      return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { problem: 'expected true or false' };
    case 'enum':
      return kind.values.includes(raw) ? { value: raw } : { problem: `expected one of ${kind.values.join(', ')}` };
    case 'acks':
      if (raw === '0' || raw === '1') return { value: Number(raw) };
      if (raw === 'all' || raw === '-1') return { value: 'all' };
      return { problem: 'expected 0, 1 or all' };
    case 'count-or-unlimited': {
      if (raw === 'unlimited') return { value: 'unlimited' };
      const parsed = numeric(INTEGER, true, kind.min, kind.max);
      return 'problem' in parsed ? { problem: `expected an integer from ${kind.min} to ${kind.max}, or unlimited` } : parsed;
    }
  }
}

/** A value as the docs and tables print it: strings bare, everything else as JSON. */
export function settingText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The documented default of a non-preset setting, in words. */
export function defaultText(spec: SettingSpec): string | undefined {
  const value = spec.default;
  if (value === undefined) return undefined;
  return typeof value === 'object' ? value.text : settingText(value);
}

/** Commander stores `--max-in-flight` as `maxInFlight`. */
export function optionProperty(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
