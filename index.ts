/**
 * The library API, for other people's property suites: run a simulation, the config types, the modes,
 * the fault plan format, the checkers, and the scenarios.
 */
export { runSimulation, runSimulationAsync, resolveConfig, toFaultSource } from './models/engine.js';
export type { SimulationInput, SimulationResult, FaultsInput, RunObservers, RunProgress, ProgressObserver, TraceKeeping } from './models/engine.js';
// simulate() with or without a team's own handler (models/handler/contract.ts).
export { checkDeterministic, simulate, simulateModule } from './library/simulate.js';
export type { LibraryInput, HandlerInput } from './library/simulate.js';
export { checkHandler } from './library/check-handler.js';
export type { CheckHandlerInput, CheckHandlerResult, HandlerFinding } from './library/check-handler.js';
export { HANDLER_OUTCOMES, HandlerError, checkHandlerModule } from './models/handler/contract.js';
export type { DbValue, FinalDb, Handler, HandlerDb, HandlerInvariant, HandlerModule, HandlerOutcome, HandlerRecord, HandlerTx, WorkloadEntry } from './models/handler/contract.js';
export { INVARIANT_NAMES, PROMISES } from './models/modes.js';
export type { ModePreset, InvariantName } from './models/modes.js';
/** The Kafka family's mode presets (settings and words per mode). */
export { KAFKA_MODES as MODES } from './models/kafka/modes.js';
export { FAMILIES, familyOf, kindsFor, modePreset } from './models/families.js';
export type { Family, Deployment, DeployInput } from './models/family.js';
export { validateConfig, settingSpecs } from './models/resolve.js';
export type { SettingSpec, SettingKind, SettingGroup, SettingValue } from './models/settings/spec.js';
export { ConfigError, MODE_NAMES, FAMILY_NAMES, COMMIT_STRATEGIES, DEDUP_STRATEGIES, PRODUCER_BUFFERS, DEFAULT_WORKLOAD, DEFAULT_LIMITS } from './models/config.js';
export type { Acks, CommitStrategy, DedupStrategy, DeliverySettings, FamilyName, Limits, ModeName, ProducerBuffer, SimulationConfig, TimingSettings, WorkloadSettings } from './models/config.js';
export { FAULT_KINDS, FAULT_PRESETS, FAULT_SPECS, RATE_NAMES, describeFault, faultKey, countByKind, specOf } from './models/faults/catalog.js';
export { CONSUMER_CRASH_POINTS, PRODUCER_CRASH_POINTS, TRANSACTION_CRASH_POINTS, LINK_NAMES } from './models/faults/common.js';
export type { Fault, FaultKind, FaultPlan, FaultRates, FaultSource, RateName } from './models/faults/catalog.js';
export type { LinkName } from './models/faults/common.js';
export type { FaultSpec, PlanSpace } from './models/faults/spec.js';
export type { TraceEvent, TraceKind, EventOf } from './models/events.js';
export { checkInvariants, checkLoss, checkDuplicates, checkOrder, checkLiveness, judge } from './models/invariants/index.js';
export type { CheckInput, InvariantResult, InvariantStatus, Witness } from './models/invariants/index.js';
export type { Workload, WorkloadMessage } from './models/workload.js';
// The deterministic kernel, for anyone building a world of their own.
export { World } from './sim/world.js';
export type { Actor, ActorContext, Protocol, WorldHooks, WorldOptions, RunOutcome, Phase } from './sim/world.js';
export type { AppliedEffect } from './models/db/database.js';
export type { Effects } from './models/db/effect-log.js';
export { SCENARIOS, findScenario } from './scenarios/scenarios.js';
export type { Scenario, Expectation } from './scenarios/scenarios.js';
export { traceHash, traceLine } from './sim/trace.js';
export type { TraceRecord } from './sim/trace.js';
// Fault plan files, and fast-check arbitraries plus the search/shrink engine for property suites.
export { parsePlan, parsePlanText, parseFault, formatPlan, planOnly, PlanError, PLAN_VERSION } from './models/faults/plan.js';
export type { PlanFile, PlanMeta } from './models/faults/plan.js';
export { faultArb, faultPlanArb, resolvePlanConstraints, ACTOR_OF_KIND, FAULT_ACTORS } from './properties/fault-arbitraries.js';
export type { FaultActor, FaultPlanConstraints, ResolvedPlanConstraints } from './properties/fault-arbitraries.js';
export { workloadArb, settingsArb, rabbitMqSettingsArb, simulationInputArb, topologyArb, fitSettings, fitRabbitMqSettings } from './properties/config-arbitraries.js';
export type { WorkloadConstraints, SimulationInputConstraints, TopologyConstraints } from './properties/config-arbitraries.js';
export type { TopologySettings } from './models/topology.js';
export { runPlan, breaks, brokenInvariants, isBuiltInInvariant } from './properties/breaks.js';
export type { SearchedInvariant } from './properties/breaks.js';
export { checkInvariant } from './properties/check.js';
export type { CheckOptions, CheckOutcome, CheckFound, CheckNotFound, PlanVerdictCache } from './properties/check.js';
export { shrinkPlan } from './properties/shrink.js';
export type { ShrinkOptions, ShrinkOutcome } from './properties/shrink.js';
export { deltaDebug } from './properties/delta-debug.js';
export { sweepSeeds, MAX_SWEEP_SEEDS } from './properties/sweep.js';
export { EXPLORE_MESSAGES_MAX, explore } from './properties/explore.js';
export type { ExploreOptions, ExploreResult, ExploreBreak, ExploreStop } from './properties/explore.js';
export type { ExploreChoices } from './properties/explore-choices.js';
export { DANGEROUS_WINDOWS, CoverageTally } from './properties/coverage.js';
export type { DangerousWindow, WindowCoverage } from './properties/coverage.js';
export type { SweepOptions, SweepResult, InvariantSweep } from './properties/sweep.js';
export type { DeltaDebugOptions, DeltaDebugResult } from './properties/delta-debug.js';
export type { ConsumerCrashPoint, ProducerCrashPoint } from './models/faults/common.js';
// Markdown failure reports: pure renderers (run, check, shrink, compare), causal stories, sequence diagrams.
export { renderRunReport, renderCompareReport, reportTitle, compareTitle, explainInvariant, explainWitness, sequenceDiagram, escapeMermaidLabel } from './reports/index.js';
export type { RunReportMeta, CompareReportMeta, ReportKind, SearchSummary, WallFigures, Story } from './reports/index.js';
