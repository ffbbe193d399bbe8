/**
 * Every consumer group is a subscriber of its own: each must get every message as the mode promises. Loss,
 * duplicates and order are judged per group on that group's effects; the run's result per invariant sums the
 * groups (counts and witnesses) and its verdict is the worst. Liveness is the run's.
 */
import { effectsOf, effectsWhere, groupOfEffect } from '../db/effect-log.js';
import { INVARIANT_NAMES } from '../modes.js';
import type { InvariantName } from '../modes.js';
import { FIRST_INSTANCE } from '../topology.js';
import { applications } from './applications.js';
import { duplicatesOf } from './duplicates.js';
import type { CheckInput } from './input.js';
import { checkLiveness } from './liveness.js';
import { lossOf } from './loss.js';
import { orderOf } from './order.js';
import { mergeParked, parkedIn } from './parked.js';
import type { ParkedResult } from './parked.js';
import { MAX_WITNESSES, result } from './witness.js';
import type { InvariantResult } from './witness.js';

export type Verdicts = Record<InvariantName, InvariantResult>;

export interface GroupedVerdicts {
  /** The run's: per invariant, every group's count and witnesses, the worst status. */
  invariants: Verdicts;
  /** Per group, in topology order. */
  groups: Record<string, Verdicts>;
  /** Records parked in the dead-letter topic: over every group, and per group. */
  parked: ParkedResult;
  parkedByGroup: Record<string, ParkedResult>;
}

export function checkGroups(input: CheckInput, promises: Record<InvariantName, boolean>): GroupedVerdicts {
  const names = input.groups ?? [FIRST_INSTANCE.group];
  const liveness = checkLiveness(input, promises.liveness);
  const effects = effectsOf(input.effects);
  const groups: Record<string, Verdicts> = {};
  const parkedByGroup: Record<string, ParkedResult> = {};
  for (const group of names) {
    // One group takes every effect: the input as it is, not a copy of it per run.
    const scoped: CheckInput = names.length === 1 ? input : { ...input, effects: effectsWhere(effects, (all, index) => groupOfEffect(all, index) === group) };
    const applied = applications(scoped);
    // With one group the witnesses read as before; with several, each says which group it is about.
    const scope = { group, where: names.length === 1 ? '' : ` in group ${group}` };
    const parked = parkedIn(input, group, names.length, applied);
    parkedByGroup[group] = parked.result;
    groups[group] = {
      loss: lossOf(scoped, promises.loss, applied, scope, parked.ids),
      duplicates: duplicatesOf(scoped, promises.duplicates, applied, scope),
      order: orderOf(scoped, promises.order, applied, scope),
      liveness,
    };
  }
  return { invariants: merge(names.map((group) => groups[group]), promises), groups, parked: mergeParked(names.map((group) => parkedByGroup[group])), parkedByGroup };
}

function merge(perGroup: readonly Verdicts[], promises: Record<InvariantName, boolean>): Verdicts {
  if (perGroup.length === 1) return perGroup[0];
  const merged = {} as Verdicts;
  for (const name of INVARIANT_NAMES) {
    const results = perGroup.map((verdicts) => verdicts[name]);
    if (name === 'liveness') {
      merged[name] = results[0];
      continue;
    }
    const count = results.reduce((sum, item) => sum + item.count, 0);
    const witnesses = results.flatMap((item) => item.witnesses).slice(0, MAX_WITNESSES);
    const notProduced = results.reduce((sum, item) => sum + (item.notProducedCount ?? 0), 0);
    const inFlight = results.reduce((sum, item) => sum + (item.inFlightAtLimitCount ?? 0), 0);
    const extra = name === 'loss' ? { acknowledgedCount: results.reduce((sum, item) => sum + (item.acknowledgedCount ?? 0), 0), ...(notProduced > 0 ? { notProducedCount: notProduced } : {}), ...(inFlight > 0 ? { inFlightAtLimitCount: inFlight } : {}) } : {};
    merged[name] = result(name, promises[name], count, witnesses, extra);
  }
  return merged;
}
