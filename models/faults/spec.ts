/**
 * One definition per fault kind. A FaultSpec holds everything about a kind: its plan fields and their validation,
 * the actor it strikes, the rate that draws it, its words as a plan entry and as a past event, how a sequence
 * diagram draws it, and its fast-check arbitrary. Plans, the injector, `simulate list`, the arbitraries, the
 * stories and the diagrams all read it from here.
 *
 * Faults are named by what they hit in domain terms ("the broker's ack for m7, attempt 1, is lost"), never by a
 * global event counter: removing one fault from a plan leaves the others meaning the same thing.
 */
import type { Arbitrary } from 'fast-check';
import type fcModule from 'fast-check';
import type { RandomStream } from '../../sim/random.js';
import type { FamilyName } from '../config.js';
import type { InstanceKind } from '../topology.js';
import { MAX_MESSAGES } from '../settings/common.js';

/** fast-check itself, handed in by the caller: plain runs never load it. */
export type FastCheck = typeof fcModule;

/** Whose request, reply, process or link a fault takes away. */
export type FaultActor = 'producer' | 'broker' | 'consumer' | 'db' | 'network';
export const FAULT_ACTORS: readonly FaultActor[] = ['producer', 'broker', 'consumer', 'db', 'network'];

/** The rate names users type (`--faults drop=0.05,ack-loss=0.05`), each drawing one or more fault kinds. */
export type RateName = 'drop' | 'ack-loss' | 'dup' | 'delay' | 'partition' | 'crash' | 'producer-crash' | 'failover' | 'db-reply-loss' | 'processing-error' | 'transaction' | 'unroutable' | 'dead-letter';

/** A field check: undefined when the value is fine, else what it must be ("must be an integer >= 1"). */
export type FieldCheck = (value: unknown) => string | undefined;

/** Where a plan may draw its faults from: the workload, the search's bounds, the crash points allowed. */
export interface PlanSpace {
  messages: number;
  partitions: number;
  /** Highest attempt, delivery and fetch number a fault names. */
  maxAttempt: number;
  /** Partition windows start before this virtual time. */
  faultyPhaseMs: number;
  links: readonly string[];
  consumerCrashPoints: readonly string[];
  producerCrashPoints: readonly string[];
  /**
   * With a team's handler: the most DB calls one delivery made in the fault-free run. Consumer crashes and lost DB
   * replies are then named by handler step (`afterCall`, `call`) instead of the built-in processing's points.
   */
  handlerCalls?: number;
  /** The topology's instances: faults name one when there is more than one to choose from. */
  producers: readonly string[];
  consumers: readonly string[];
  groups: readonly string[];
  /** A Kafka broker cluster's brokers (B1..Bn with --nodes n); absent or empty in a one-actor world. */
  brokers?: readonly string[];
}

/** The instance a fault strikes. */
export interface StruckInstance {
  readonly kind: InstanceKind;
  readonly name: string;
}

/** How a sequence diagram draws a fault, in roles (the renderer picks the participants). */
export type FaultDrawing =
  | { readonly arrow: { readonly from: DiagramRole; readonly to: DiagramRole; readonly reply: boolean }; readonly text: string }
  | { readonly note: DiagramRole; readonly text: string };
export type DiagramRole = 'producer' | 'broker' | 'consumer' | 'db';

export interface FaultSpec<F extends { readonly kind: string } = { readonly kind: string }> {
  readonly kind: F['kind'];
  readonly strikes: FaultActor;
  readonly rate: RateName;
  /** One line for `simulate list` and the README. */
  readonly summary: string;
  /** A valid instance, quoted in error messages. */
  readonly example: F;
  /** Its plan fields besides `kind`, in plan order. */
  readonly fields: { readonly [K in Exclude<keyof F, 'kind'>]-?: FieldCheck };
  /**
   * The instance it strikes, for kinds that name one (an optional field: absent means the first instance, so plans
   * written before topologies keep their meaning). Part of the decision point it names.
   */
  instance?(fault: F): StruckInstance;
  /** A check across fields (undefined when fine). */
  validate?(fault: F): string | undefined;
  /** Fields a rate-driven run draws when it injects the fault: not part of the decision point it names. */
  readonly drawn?: readonly Exclude<keyof F & string, 'kind'>[];
  /** Fill in the drawn fields from the rate's stream (rate mode only). */
  draw?(fault: F, stream: RandomStream): F;
  /**
   * The fault as a plan entry, in domain words; `family`: the broker family's words where a shared kind differs
   * (a consumer acknowledges by committing its offset in Kafka, by basic.ack in RabbitMQ). Kafka's without it.
   */
  describe(fault: F, family?: FamilyName): string;
  /** For faults that strike a process: when it struck, as a clause ("right after the DB commit of m3 ..."). */
  moment?(fault: F, family?: FamilyName): string;
  /** How a sequence diagram draws the fault on its own, or undefined when the line it hits shows it. */
  drawing(fault: F, family?: FamilyName): FaultDrawing | undefined;
  /** Instances of this kind within a plan space, shrinking toward the simplest. */
  arbitrary(fc: FastCheck, space: PlanSpace): Arbitrary<F>;
}

const MAX_COUNT = 1_000_000;
const MAX_MS = 3_600_000;

export const integerAtLeast =
  (min: number, max: number = MAX_COUNT): FieldCheck =>
  (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) return `must be an integer >= ${min}`;
    return value <= max ? undefined : `must be at most ${max}`;
  };

/**
 * A partition log offset: any safe integer >= 0. Offsets grow with the run (10,000,000 messages on one partition,
 * plus duplicates and transaction markers), so the count cap would refuse what a long run's emitted plan names.
 */
export const logOffset: FieldCheck = integerAtLeast(0, Number.MAX_SAFE_INTEGER);

export const msAtLeast =
  (min: number, inclusive: boolean): FieldCheck =>
  (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || (inclusive ? value < min : value <= min)) return `must be a number of virtual ms ${inclusive ? '>=' : '>'} ${min}`;
    return value <= MAX_MS ? undefined : `must be at most ${MAX_MS} ms`;
  };

export const oneOf =
  (allowed: readonly string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`;

/** A field that may be left out; when given, `check` decides. */
export const optional =
  (check: FieldCheck): FieldCheck =>
  (value) =>
    value === undefined ? undefined : check(value);

/** A fault that names its decision point by one of two fields (the built-in processing's or a handler's): exactly one. */
export function exactlyOne(fault: object, first: string, second: string, firstMeaning: string, secondMeaning: string): string | undefined {
  const has = (field: string): boolean => (fault as Record<string, unknown>)[field] !== undefined;
  if (has(first) === has(second)) return `give exactly one of "${first}" (${firstMeaning}) and "${second}" (${secondMeaning})`;
  return undefined;
}

/** An optional instance name: absent, or an id like "g1/c2" (whether the topology has it is checked against the config). */
export const instanceName =
  (kind: InstanceKind): FieldCheck =>
  (value) => {
    if (value === undefined) return undefined;
    const pattern = kind === 'producer' ? /^p[1-9]\d{0,2}$/ : kind === 'group' ? /^g[1-9]\d{0,2}$/ : /^g[1-9]\d{0,2}\/c[1-9]\d{0,2}$/;
    const example = kind === 'producer' ? '"p2"' : kind === 'group' ? '"g2"' : '"g1/c2"';
    return typeof value === 'string' && pattern.test(value) ? undefined : `must be a ${kind} instance like ${example} (leave it out for the first one)`;
  };

/**
 * An instance field for an arbitrary: left out (the first instance) when the topology has one, else any of them.
 * Leaving it out keeps the plans generated for a one-instance world exactly what they were before topologies.
 */
export function instanceArb(fc: FastCheck, names: readonly string[]): Arbitrary<string> | undefined {
  return names.length > 1 ? fc.constantFrom(...names) : undefined;
}

/** A record arbitrary's model with an instance field added last when there is a choice (see instanceArb). */
export function withInstance<T extends object>(model: T, field: string, arbitrary: Arbitrary<string> | undefined): T {
  return arbitrary === undefined ? model : { ...model, [field]: arbitrary };
}

/**
 * Message ids are the workload's: m1, m2, ... (hand-over order), up to the most messages a workload has. (It stopped
 * at m999999, so the plan a run of more messages emitted could name a message its replay refused.)
 */
export const messageId: FieldCheck = (value) =>
  typeof value === 'string' && /^m[1-9]\d*$/.test(value) && Number(value.slice(1)) <= MAX_MESSAGES ? undefined : `must be a message id from "m1" (the first message handed over) to "m${MAX_MESSAGES}"`;

/** The arbitrary of a message id m1..m<messages>, shrinking toward m1. */
export function messageArb(fc: FastCheck, space: PlanSpace): Arbitrary<string> {
  return fc.integer({ min: 1, max: space.messages }).map(
    (index) => `m${index}`,
    (value) => {
      if (typeof value !== 'string' || !/^m\d+$/.test(value)) throw new Error('not a message id');
      return Number(value.slice(1));
    },
  );
}
