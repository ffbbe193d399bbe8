/**
 * fast-check arbitraries of faults and fault plans, built to shrink toward fewer, earlier, simpler faults:
 * a plan is an array of faults (fast-check shrinks it by dropping faults), message numbers shrink toward
 * m1, attempt/delivery/fetch numbers toward 1, partition windows toward t=0 and short, and with
 * `withCrossShrink` a fault may shrink to a simpler kind (kinds are listed simplest first in FAULT_KINDS).
 * Faults never share a decision point (faultKey), so every generated plan is valid and so is every subset.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DEFAULT_TOPOLOGY, DEFAULT_WORKLOAD, FAMILY_NAMES, defaultTiming } from '../models/config.js';
import type { FamilyName, TopologySettings, WorkloadSettings } from '../models/config.js';
import { buildTopology } from '../models/topology.js';
import { FAULT_KINDS, describeFault, faultKey, specOf } from '../models/faults/catalog.js';
import { kindsFor } from '../models/families.js';
import { brokerIds } from '../models/kafka/cluster/names.js';
import { MAX_MESSAGES, MAX_NODES } from '../models/settings/common.js';
import type { Fault, FaultKind, FaultPlan } from '../models/faults/catalog.js';
import { CONSUMER_CRASH_POINTS, LINK_NAMES, PRODUCER_CRASH_POINTS, TRANSACTION_CRASH_POINTS } from '../models/faults/common.js';
import type { ConsumerCrashPoint, LinkName, ProducerCrashPoint } from '../models/faults/common.js';
import { FAULT_ACTORS } from '../models/faults/spec.js';
import type { FaultActor } from '../models/faults/spec.js';

export type { FaultActor };
export { FAULT_ACTORS };

/** The actor each fault kind strikes (read off its spec): whose request, reply, process or link it takes away. */
export const ACTOR_OF_KIND: Record<FaultKind, FaultActor> = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, specOf(kind).strikes])) as Record<FaultKind, FaultActor>;

export interface FaultPlanConstraints {
  /** Most faults in one plan. Default 4. */
  maxFaults?: number;
  /** The broker family the plans are for: its fault kinds are the default `kinds`. Default 'kafka'. */
  family?: FamilyName;
  /** Fault kinds to draw from. Default: the family's (FAULT_KINDS' order is kept), the transaction kinds only with `transactions`. */
  kinds?: readonly FaultKind[];
  /**
   * The plans are for a `--transactions true` world: the transaction fault kinds and the producer's commit crash
   * points are drawn too (they have no decision point elsewhere). Default false.
   */
  transactions?: boolean;
  /** Only kinds that strike these actors (see ACTOR_OF_KIND); combined with `kinds`. Default: every actor. */
  actors?: readonly FaultActor[];
  /** Where consumer crashes may happen. Default: every point. */
  consumerCrashPoints?: readonly ConsumerCrashPoint[];
  /** Where producer crashes may happen. Default: every point (the commit points only with `transactions`). */
  producerCrashPoints?: readonly ProducerCrashPoint[];
  /** Links partition windows may cut. Default: every link. */
  links?: readonly LinkName[];
  /**
   * The workload the plans will run against (the same partial workload you pass to `simulate`): faults
   * name messages m1..m<messages> and partitions 0..<partitions - 1>. Default: DEFAULT_WORKLOAD.
   */
  workload?: Partial<WorkloadSettings>;
  /**
   * The topology the plans will run in (the same partial topology you pass to `simulate`): faults name its
   * producers and consumers when it has more than one. Default: one producer, one group of one consumer.
   */
  topology?: Partial<TopologySettings>;
  /** Highest attempt, delivery and fetch number a fault names. Default 3: the faults that matter are early ones. */
  maxAttempt?: number;
  /** Partition windows start before this virtual time. Default: the default faulty phase of the workload. */
  faultyPhaseMs?: number;
  /** With a team's handler: the most DB calls one delivery makes (faults are then named by handler step). */
  handlerCalls?: number;
  /** A Kafka broker cluster of this many brokers (--nodes): its fault kinds are drawn too, naming B1..Bn. Default 0: none. */
  nodes?: number;
}

/** The constraints with every default filled in and checked. */
export interface ResolvedPlanConstraints {
  maxFaults: number;
  kinds: FaultKind[];
  consumerCrashPoints: readonly ConsumerCrashPoint[];
  producerCrashPoints: readonly ProducerCrashPoint[];
  links: readonly LinkName[];
  messages: number;
  partitions: number;
  maxAttempt: number;
  faultyPhaseMs: number;
  handlerCalls?: number;
  producers: readonly string[];
  consumers: readonly string[];
  groups: readonly string[];
  brokers: readonly string[];
}

function requireSubset<T>(name: string, values: readonly T[] | undefined, allowed: readonly T[]): readonly T[] {
  if (values === undefined) return allowed;
  const unknown = values.find((value) => !allowed.includes(value));
  if (unknown !== undefined) throw new RangeError(`${name}: unknown value ${JSON.stringify(unknown)} (allowed: ${allowed.join(', ')})`);
  if (values.length === 0) throw new RangeError(`${name}: must not be empty`);
  return values;
}

function requireInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name}: must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Fill in defaults and validate: throws RangeError naming the bad constraint. */
export function resolvePlanConstraints(constraints: FaultPlanConstraints = {}): ResolvedPlanConstraints {
  const workload = { ...DEFAULT_WORKLOAD, ...constraints.workload };
  const transactional = constraints.transactions === true;
  const family = requireSubset('family', constraints.family === undefined ? undefined : [constraints.family], FAMILY_NAMES)[0];
  const nodes = requireInteger('nodes', constraints.nodes ?? 0, 0, MAX_NODES);
  // Without `kinds`: the family's own (a Kafka cluster's broker kinds only with nodes), so plans for one world never name another's decision points.
  const kinds = constraints.kinds === undefined ? kindsFor(family, transactional, family === 'kafka' && nodes > 0) : requireSubset('kinds', constraints.kinds, FAULT_KINDS);
  const actors = requireSubset('actors', constraints.actors, FAULT_ACTORS);
  // Keep FAULT_KINDS' order whatever order the caller gave: it is the simplest-first order cross-shrinking uses.
  const chosen = FAULT_KINDS.filter((kind) => kinds.includes(kind) && actors.includes(ACTOR_OF_KIND[kind]));
  if (chosen.length === 0) throw new RangeError(`kinds and actors leave no fault kind to draw (kinds: ${kinds.join(', ')}; actors: ${actors.join(', ')})`);
  const topologySettings = { ...DEFAULT_TOPOLOGY, ...constraints.topology };
  requireInteger('topology.producers', topologySettings.producers, 1, 16);
  requireInteger('topology.groups', topologySettings.groups, 1, 8);
  requireInteger('topology.consumers', topologySettings.consumers, 1, 32);
  const topology = buildTopology(topologySettings);
  const faultyPhaseMs = constraints.faultyPhaseMs ?? defaultTiming(workload).faultyPhaseMs;
  if (!(Number.isFinite(faultyPhaseMs) && faultyPhaseMs >= 1)) throw new RangeError(`faultyPhaseMs: must be a number >= 1, got ${faultyPhaseMs}`);
  return {
    maxFaults: requireInteger('maxFaults', constraints.maxFaults ?? 4, 0, 1000),
    kinds: chosen,
    consumerCrashPoints: requireSubset('consumerCrashPoints', constraints.consumerCrashPoints, CONSUMER_CRASH_POINTS),
    producerCrashPoints:
      constraints.producerCrashPoints === undefined ? (transactional ? [...PRODUCER_CRASH_POINTS, ...TRANSACTION_CRASH_POINTS] : PRODUCER_CRASH_POINTS) : requireSubset('producerCrashPoints', constraints.producerCrashPoints, [...PRODUCER_CRASH_POINTS, ...TRANSACTION_CRASH_POINTS]),
    links: requireSubset('links', constraints.links, LINK_NAMES),
    messages: requireInteger('workload.messages', workload.messages, 1, MAX_MESSAGES),
    partitions: requireInteger('workload.partitions', workload.partitions, 1, 64),
    maxAttempt: requireInteger('maxAttempt', constraints.maxAttempt ?? 3, 1, 1000),
    faultyPhaseMs,
    ...(constraints.handlerCalls !== undefined ? { handlerCalls: requireInteger('handlerCalls', constraints.handlerCalls, 1, 1000) } : {}),
    producers: topology.producers,
    consumers: topology.consumers,
    groups: topology.groups.map((group) => group.name),
    brokers: brokerIds(nodes),
  };
}

/** One arbitrary per fault kind (its spec's), each shrinking toward its simplest instance. */
function kindArbitrary(kind: FaultKind, c: ResolvedPlanConstraints): Arbitrary<Fault> {
  return specOf(kind).arbitrary(fc, c);
}

/** A single fault within the constraints. */
export function faultArb(constraints: FaultPlanConstraints = {}): Arbitrary<Fault> {
  const resolved = resolvePlanConstraints(constraints);
  return faultArbFromResolved(resolved);
}

function faultArbFromResolved(c: ResolvedPlanConstraints): Arbitrary<Fault> {
  const arbitraries = c.kinds.map((kind) => kindArbitrary(kind, c));
  return arbitraries.length === 1 ? arbitraries[0] : fc.oneof({ withCrossShrink: true }, ...arbitraries);
}

/**
 * A fault plan of 0..maxFaults faults within the constraints; no two faults share a decision point.
 * Shrinks toward fewer faults, then earlier messages and attempts, then simpler kinds.
 */
/**
 * A plan that prints in domain words in fast-check's failure reports ("Counterexample: [1 fault: the broker's ack for
 * m3 (attempt 1) is lost ...]"): fast-check's toStringMethod, as a non-enumerable key JSON and equality ignore.
 */
function inWords(plan: FaultPlan): FaultPlan {
  const words = plan.faults.length === 0 ? 'no faults' : `${plan.faults.length} fault${plan.faults.length === 1 ? '' : 's'}: ${plan.faults.map((fault) => describeFault(fault)).join('; ')}`;
  Object.defineProperty(plan, fc.toStringMethod, { value: () => `${words} ${JSON.stringify(plan)}`, enumerable: false });
  return plan;
}

export function faultPlanArb(constraints: FaultPlanConstraints = {}): Arbitrary<FaultPlan> {
  const c = resolvePlanConstraints(constraints);
  return fc.uniqueArray(faultArbFromResolved(c), { minLength: 0, maxLength: c.maxFaults, selector: faultKey }).map(
    (faults): FaultPlan => inWords({ version: 1, faults }),
    (value) => {
      if (typeof value !== 'object' || value === null || !Array.isArray((value as FaultPlan).faults)) throw new Error('not a fault plan');
      return (value as FaultPlan).faults;
    },
  );
}
