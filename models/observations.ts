/** What the invariant checkers read of a run, besides its workload, outcome and trace. */
import type { AppliedEffect } from './db/database.js';

export interface Observations {
  /** The effects the DB applied, in commit order. */
  effects: readonly AppliedEffect[];
  /** Ids of messages the broker acknowledged to the producer (acks >= 1): losing one is an acknowledged loss. */
  acknowledged: ReadonlySet<string>;
  /** When each message was handed over (virtual µs, by workload index; -1 if never). */
  handedAtUs: readonly number[];
  /** The consumer groups, in order: every invariant is judged per group. */
  groups: readonly string[];
}
