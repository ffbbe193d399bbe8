/**
 * Timeouts that wait for an answer, against the quickest that answer can come in a config. A timeout shorter than
 * that can never be met: every call times out and is tried again, so the run never settles (its liveness breaks at
 * a limit, which raising the limit does not cure). Each family names its waits (Family.answerWaits); this module
 * words the ones a config makes hopeless, for the CLI's notes and for the liveness witness of a run that did not settle.
 */
import type { SimulationConfig } from './config.js';
import type { SettingSpec } from './settings/spec.js';
import { trimNumber } from './words.js';

/** One timeout setting, what it waits for, and the quickest that can come in this config. */
export interface AnswerWait {
  /** The setting's key in its family's settings (its flag is read from there). */
  readonly key: string;
  /** What it waits for: "a produce request's acknowledgement". */
  readonly answer: string;
  /** The quickest the answer can come, in ms: a lower bound (no fault makes it quicker). */
  readonly quickestMs: number;
  /** How quickestMs is made up: "twice --latency-ms-min". */
  readonly quickestWords: string;
  /** What follows when the timeout is shorter: "every produce request times out and is sent again". */
  readonly consequence: string;
}

/** The round trip every call pays at least: there and back at the shortest latency. */
export function roundTripMs(config: SimulationConfig): number {
  return 2 * config.timing.latencyMsMin;
}

export const ROUND_TRIP_WORDS = 'twice --latency-ms-min';

/** The consumer's wait for a broker or DB reply (consumer-timeout-ms), which both families' consumers make. */
export function consumerCallWait(config: SimulationConfig): AnswerWait {
  return { key: 'consumerTimeoutMs', answer: 'broker or DB reply', quickestMs: roundTripMs(config), quickestWords: ROUND_TRIP_WORDS, consequence: 'every call the consumer makes times out before its reply arrives' };
}

/**
 * One sentence per timeout of `waits` that is shorter than its answer can ever come, e.g. "--request-timeout-ms 0.1
 * is shorter than the quickest produce request's acknowledgement can come (0.4 ms: twice --latency-ms-min), so every
 * produce request times out and is sent again".
 */
export function hopelessWaits(config: SimulationConfig, waits: readonly AnswerWait[], specs: readonly SettingSpec[]): string[] {
  const settings = config.settings as unknown as Readonly<Record<string, unknown>>;
  const sentences: string[] = [];
  for (const wait of waits) {
    const value = settings[wait.key];
    if (typeof value !== 'number' || value >= wait.quickestMs) continue;
    const flag = specs.find((spec) => spec.key === wait.key)?.flag ?? wait.key;
    sentences.push(`--${flag} ${trimNumber(value)} is shorter than the quickest ${wait.answer} can come (${trimNumber(wait.quickestMs)} ms: ${wait.quickestWords}), so ${wait.consequence}`);
  }
  return sentences;
}
