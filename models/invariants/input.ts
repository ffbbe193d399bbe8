/** What every checker reads: pure data of one run, so checkers are tested on hand-written inputs. */
import type { TraceRecord } from '../../sim/trace.js';
import type { RunOutcome } from '../../sim/world.js';
import type { AppliedEffect } from '../db/database.js';
import type { ParkedRecord } from '../observations.js';
import type { WorkloadMessage } from '../workload.js';

export interface CheckInput {
  workload: readonly WorkloadMessage[];
  effects: readonly AppliedEffect[];
  /** Ids of messages the broker acknowledged to the producer (acks >= 1). */
  brokerAcked: ReadonlySet<string>;
  outcome: RunOutcome;
  trace: readonly TraceRecord[];
  /** The consumer groups to judge, each on its own effects (default: one group, g1, taking every effect). */
  groups?: readonly string[];
  /** Records parked in the dead-letter topic, per group: neither applied nor lost. */
  parked?: readonly ParkedRecord[];
  /** Workload positions the order check skips (delayed messages: due later on purpose). */
  unordered?: ReadonlySet<number>;
}
