/**
 * Which workload messages the effects applied, computed in one pass and shared by the loss, duplicates and
 * order checkers (each used to build its own sets and maps of message ids, a large share of the checking).
 */
import { effectsOf } from '../db/effect-log.js';
import { workloadIndex } from '../workload.js';
import type { CheckInput } from './input.js';

export interface Applications {
  /** Per workload position: the first position holding the same id (ids are unique in practice; this keeps repeats exact). */
  canon: Int32Array;
  /** Per canonical position: the last position holding that id (the message a lookup by id finds). */
  last: Int32Array;
  /** Per canonical position: how many effects applied that id. */
  counts: Int32Array;
  /** Per effect: the canonical position of its message id, -1 when no workload message has that id. */
  effectPositions: Int32Array;
}

export function applications(input: Pick<CheckInput, 'workload' | 'effects'>): Applications {
  const workload = input.workload;
  const effects = effectsOf(input.effects);
  const { positionOf, canon, last } = workloadIndex(workload);
  const counts = new Int32Array(workload.length);
  const effectPositions = new Int32Array(effects.length);
  for (let index = 0; index < effects.length; index++) {
    const position = positionOf(effects.msgIdAt(index));
    effectPositions[index] = position;
    if (position >= 0) counts[position]++;
  }
  return { canon, last, counts, effectPositions };
}
