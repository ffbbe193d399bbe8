/**
 * Delayed delivery's due times: every k-th message (`delayedEvery`) is due `delayMs` after its hand-over, or a
 * tenth of that for every other delayed one, so that a TTL wait queue shows its head-of-line blocking (a short
 * TTL queued behind a long one). -1: not delayed.
 */
import { msToUs } from '../config.js';
import type { WorkloadMessage } from '../workload.js';
import type { RabbitMqSettings } from './settings.js';

export function dueTimes(workload: readonly WorkloadMessage[], settings: Pick<RabbitMqSettings, 'delayedEvery' | 'delayMs'>): number[] {
  const every = settings.delayedEvery;
  return workload.map((message) => {
    if (every === 0 || (message.index + 1) % every !== 0) return -1;
    const nth = (message.index + 1) / every;
    return message.handoverUs + msToUs(nth % 2 === 1 ? settings.delayMs : settings.delayMs / 10);
  });
}
