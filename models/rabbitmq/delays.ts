/**
 * Delayed delivery's due times: every k-th message (`delayedEvery`) is due `delayMs` after its hand-over, or a
 * tenth of that for every other delayed one, so that a TTL wait queue shows its head-of-line blocking (a short
 * TTL queued behind a long one). -1: not delayed.
 */
import { msToUs } from '../config.js';
import type { Workload } from '../workload.js';
import type { RabbitMqSettings } from './settings.js';

export function dueTimes(workload: Workload, settings: Pick<RabbitMqSettings, 'delayedEvery' | 'delayMs'>): number[] {
  const every = settings.delayedEvery;
  const due = new Array<number>(workload.length);
  for (let position = 0; position < workload.length; position++) {
    const index = workload.indexAt(position);
    if (every === 0 || (index + 1) % every !== 0) due[position] = -1;
    else {
      const nth = (index + 1) / every;
      due[position] = workload.handoverUsAt(position) + msToUs(nth % 2 === 1 ? settings.delayMs : settings.delayMs / 10);
    }
  }
  return due;
}
