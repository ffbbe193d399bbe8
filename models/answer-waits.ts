/**
 * Timeouts that wait for an answer, against the quickest that answer can come in a config. A timeout shorter than
 * that can never be met: every call times out and is tried again, so the run never settles (its liveness breaks at
 * a limit, which raising the limit does not cure). Each family names its waits (Family.answerWaits); this module
 * words the ones a config makes hopeless, for the CLI's notes and for the liveness witness of a run that did not settle.
 */
import type { SimulationConfig } from './config.js';
import type { SettingSpec } from './settings/spec.js';
import { trimNumber } from './words.js';

/** One timeout setting, what it waits for, and what its answer takes beyond the network in this config. */
export interface AnswerWait {
  /** The setting's key in its family's settings (its flag is read from there). */
  readonly key: string;
  /** What it waits for: "produce request's acknowledgement". */
  readonly answer: string;
  /** What the answer waits for besides the round trip (a quorum's copy, a disk write), in ms: at least this. */
  readonly extraMs?: number;
  /** That wait in words, with its flag: "--replication-delay-ms to reach a majority of the quorum queue". */
  readonly extraWords?: string;
  /** What follows when no answer can come in time: "every produce request times out ... and is sent again". */
  readonly every: string;
  /** What follows when most cannot: "most produce requests time out ... and are sent again". */
  readonly most: string;
}

/** The quickest the answer can come: there and back at the shortest latency, plus its extra wait (a lower bound). */
export function quickestMs(config: SimulationConfig, wait: AnswerWait): number {
  return 2 * config.timing.latencyMsMin + (wait.extraMs ?? 0);
}

/** What the answer takes on average: there and back at the mean latency, plus its extra wait. */
export function averageMs(config: SimulationConfig, wait: AnswerWait): number {
  return config.timing.latencyMsMin + config.timing.latencyMsMax + (wait.extraMs ?? 0);
}

/** The consumer's wait for a broker or DB reply (consumer-timeout-ms), which both families' consumers make. */
export const CONSUMER_CALL_WAIT: AnswerWait = {
  key: 'consumerTimeoutMs',
  answer: 'broker or DB reply',
  every: 'every call the consumer makes times out before its reply arrives',
  most: 'most calls the consumer makes time out before their reply arrives',
};

/**
 * One sentence per timeout of `waits` that no answer can meet, e.g. "--request-timeout-ms 0.1 is shorter than the
 * quickest produce request's acknowledgement can come (0.4 ms: twice --latency-ms-min), so every produce request
 * times out before its acknowledgement arrives and is sent again". With `likely`, also those shorter than the
 * average answer ("... so most produce requests time out ..."): why a run that did not settle may not have.
 */
export function hopelessWaits(config: SimulationConfig, waits: readonly AnswerWait[], specs: readonly SettingSpec[], likely = false): string[] {
  const settings = config.settings as unknown as Readonly<Record<string, unknown>>;
  const sentences: string[] = [];
  for (const wait of waits) {
    const value = settings[wait.key];
    if (typeof value !== 'number') continue;
    const flag = `--${specs.find((spec) => spec.key === wait.key)?.flag ?? wait.key} ${trimNumber(value)}`;
    const extra = wait.extraWords === undefined ? '' : `, plus ${wait.extraWords}`;
    const quickest = quickestMs(config, wait);
    if (value < quickest) sentences.push(`${flag} is shorter than the quickest ${wait.answer} can come (${trimNumber(quickest)} ms: twice --latency-ms-min${extra}), so ${wait.every}`);
    else if (likely && value < averageMs(config, wait)) sentences.push(`${flag} is shorter than the average ${wait.answer} takes (${trimNumber(averageMs(config, wait))} ms: --latency-ms-min + --latency-ms-max${extra}), so ${wait.most}`);
  }
  return sentences;
}
