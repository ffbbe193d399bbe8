/**
 * The family seam. A broker family provides its settings, its mode presets, the fault kinds it understands, and a
 * `deploy` that puts its actors into the world and hands back the hooks the engine needs: network faults,
 * quiescence, the heal, what a crash leaves behind, which actors a link joins, and what the checkers observe.
 * The engine (resolve -> deploy -> inject -> run -> judge) names no family.
 */
import type { Protocol, World, WorldHooks } from '../sim/world.js';
import type { DeliverySettings, FamilyName, SimulationConfig } from './config.js';
import type { AnswerWait } from './answer-waits.js';
import type { ModelEnv } from './env.js';
import type { TraceEvent } from './events.js';
import type { FaultKind, FaultPlan } from './faults/catalog.js';
import type { SettingValue } from './settings/spec.js';
import type { LinkName } from './faults/common.js';
import type { ModeName, ModePreset } from './modes.js';
import type { Observations } from './observations.js';
import type { SettingSpec } from './settings/spec.js';
import type { Topology } from './topology.js';
import type { Workload } from './workload.js';

/** The world every family's actors live in: its messages and timers are the family's, its trace the shared union. */
export interface ModelProtocol extends Protocol {
  event: TraceEvent;
}

export interface DeployInput {
  readonly config: SimulationConfig;
  /** The config's topology, built once by the engine. */
  readonly topology: Topology;
  readonly world: World<ModelProtocol>;
  readonly env: ModelEnv;
  readonly workload: Workload;
}

export interface Deployment {
  readonly hooks: WorldHooks<ModelProtocol>;
  /** The two actors a link of an instance joins (the first instance when none is named). */
  linkEnds(link: LinkName, instance: string | undefined): readonly [string, string];
  /**
   * Optional: a link of an instance is cut over [fromUs, toUs) (called once per window, before the run), for a
   * family whose connections break when their link is cut.
   */
  onPartition?(link: LinkName, instance: string | undefined, fromUs: number): void;
  /** Right after the world crashed an actor: record what the crash took with it (a producer's in-memory buffer). */
  afterCrash(actor: string): void;
  /** True when every woken handler has sent its next DB call or returned (see runSimulationAsync). */
  handlersSettled(): boolean;
  /** Messages applied so far, each counted once per consumer group: a long run's progress (0 when not told). */
  messagesApplied?(): number;
  /** After the handlers' turns (World.runAsync): refuse a handler awaiting anything else. */
  afterHostTurn(): void;
  /** After the run: what the checkers read. */
  observe(): Observations;
}

/** How a family's outputs name its parts, so a RabbitMQ run never speaks of partitions or topics. */
export interface FamilyWords {
  /** Where a given-up record is parked: "the dead-letter topic" (Kafka), "the dead-letter queue" (RabbitMQ). */
  readonly deadLetter: string;
  /** The workload's partitions mean something (Kafka's topic partitions; RabbitMQ has one queue per group). */
  readonly partitioned: boolean;
  /** The topology of groups and members in words, e.g. "1 consumer group of 2 members" (with the settings that shape it). */
  groups(groups: number, consumers: number, settings: DeliverySettings): string;
}

export interface Family {
  readonly name: FamilyName;
  /** One line for `simulate list`. */
  readonly summary: string;
  readonly words: FamilyWords;
  /** Its settings (clients and brokers, then the consumer application's), in display order. */
  readonly settings: readonly SettingSpec[];
  /** Per mode, every setting but the ones derived from the rest of the config (their specs say how). */
  readonly modes: Record<ModeName, ModePreset<Partial<DeliverySettings>>>;
  /** The fault kinds its worlds have decision points for, in canonical order. */
  readonly faultKinds: readonly FaultKind[];
  /** Throws ConfigError on a combination the real clients refuse. */
  checkCombinations(settings: DeliverySettings): void;
  /**
   * Optional: raises a preset value the real client raises when the user left it at its default (Kafka: delivery.timeout.ms
   * below request.timeout.ms). `given`: the user's own overrides, which are refused instead (checkCombinations).
   */
  fitDefaults?(settings: Record<string, SettingValue>, given: Readonly<Record<string, unknown>>): void;
  /** Optional: throws PlanError on a plan the world cannot strike (Kafka: a broker its cluster does not have; RabbitMQ: a node it does not have). */
  checkPlan?(plan: FaultPlan, settings: DeliverySettings): void;
  /** Its timeouts that wait for an answer, with the quickest that answer can come in `config` (see models/answer-waits.ts). */
  answerWaits(config: SimulationConfig): readonly AnswerWait[];
  deploy(input: DeployInput): Deployment;
}
