/**
 * The library API, for other people's property suites: run a simulation, the config types, the modes,
 * the fault plan format, the checkers, and the scenarios.
 */
export { simulate, runSimulation, resolveConfig, toFaultSource } from './models/simulation.js';
export type { SimulationInput, SimulationResult, FaultsInput } from './models/simulation.js';
export { MODES, INVARIANT_NAMES } from './models/modes.js';
export type { ModePreset, InvariantName } from './models/modes.js';
export { ConfigError, MODE_NAMES, COMMIT_STRATEGIES, DEDUP_STRATEGIES, PRODUCER_BUFFERS, DEFAULT_WORKLOAD, DEFAULT_LIMITS, validateConfig } from './models/config.js';
export type { Acks, CommitStrategy, DedupStrategy, DeliverySettings, Limits, ModeName, ProducerBuffer, SimulationConfig, TimingSettings, WorkloadSettings } from './models/config.js';
export { FAULT_KINDS, FAULT_PRESETS, RATE_NAMES, CONSUMER_CRASH_POINTS, PRODUCER_CRASH_POINTS, LINK_NAMES, describeFault, faultKey, countByKind } from './models/faults.js';
export type { Fault, FaultKind, FaultPlan, FaultRates, FaultSource, LinkName, RateName } from './models/faults.js';
export { checkInvariants, checkLoss, checkDuplicates, checkOrder, checkLiveness, judge } from './models/invariants.js';
export type { CheckInput, InvariantResult, InvariantStatus, Witness } from './models/invariants.js';
export type { WorkloadMessage } from './models/workload.js';
export type { AppliedEffect } from './models/db.js';
export { SCENARIOS, findScenario } from './scenarios/scenarios.js';
export type { Scenario, Expectation } from './scenarios/scenarios.js';
export { traceHash, traceLine } from './sim/trace.js';
export type { TraceRecord } from './sim/trace.js';
// Fault plan files, and fast-check arbitraries plus the search/shrink engine for property suites.
export { parsePlan, parsePlanText, parseFault, formatPlan, planOnly, PlanError, PLAN_VERSION } from './models/plan.js';
export type { PlanFile, PlanMeta } from './models/plan.js';
export { faultArb, faultPlanArb, resolvePlanConstraints, ACTOR_OF_KIND, FAULT_ACTORS } from './properties/fault-arbitraries.js';
export type { FaultActor, FaultPlanConstraints, ResolvedPlanConstraints } from './properties/fault-arbitraries.js';
export { workloadArb, settingsArb, simulationInputArb, fitSettings } from './properties/config-arbitraries.js';
export type { WorkloadConstraints, SimulationInputConstraints } from './properties/config-arbitraries.js';
export { runPlan, breaks, brokenInvariants } from './properties/breaks.js';
export { checkInvariant } from './properties/check.js';
export type { CheckOptions, CheckOutcome, CheckFound, CheckNotFound, PlanVerdictCache } from './properties/check.js';
export { shrinkPlan } from './properties/shrink.js';
export type { ShrinkOptions, ShrinkOutcome } from './properties/shrink.js';
export { deltaDebug } from './properties/delta-debug.js';
export { sweepSeeds, MAX_SWEEP_SEEDS } from './properties/sweep.js';
export type { SweepOptions, SweepResult, InvariantSweep } from './properties/sweep.js';
export type { DeltaDebugOptions, DeltaDebugResult } from './properties/delta-debug.js';
export type { ConsumerCrashPoint, ProducerCrashPoint } from './models/faults.js';
// Markdown failure reports: pure renderers (run, check, shrink, compare), causal stories, sequence diagrams.
export { renderRunReport, renderCompareReport, reportTitle, compareTitle, explainInvariant, explainWitness, sequenceDiagram, escapeMermaidLabel } from './reports/index.js';
export type { RunReportMeta, CompareReportMeta, ReportKind, SearchSummary, WallFigures, Story } from './reports/index.js';
