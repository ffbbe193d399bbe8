/** What the invariant checkers read of a run, besides its workload, outcome and trace. */
import type { AppliedEffect } from './db/database.js';

export interface Observations {
  /** The effects the DB applied, in commit order. */
  effects: readonly AppliedEffect[];
  /** Ids of messages the broker acknowledged to the producer (acks >= 1): losing one is an acknowledged loss. */
  acknowledged: ReadonlySet<string>;
}
