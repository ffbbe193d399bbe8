/**
 * Number and word formatting shared by the stories and the renderers. Everything here is a pure function of
 * its arguments (no locale, no clock), so the same run always yields the same bytes.
 */

import { trimNumber } from '../models/words.js';

export { ordinal, trimNumber } from '../models/words.js';

/** Virtual microseconds as milliseconds with at most 3 decimals and no trailing zeros: 41200 -> "41.2 ms". */
export function formatMs(timeUs: number): string {
  return `${trimNumber(timeUs / 1000)} ms`;
}

/** "t=41.2 ms": a point in virtual time, as the stories cite it. */
export function at(timeUs: number): string {
  return `t=${formatMs(timeUs)}`;
}

/** "m2", "m2 and m3", "m2, m3 and m4". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "once", "twice", "3 times". */
export function timesWord(count: number): string {
  if (count === 1) return 'once';
  if (count === 2) return 'twice';
  return `${count} times`;
}

/** "1 fault", "3 faults". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

