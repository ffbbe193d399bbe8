/**
 * `--report <file.md>` (and `--report-wall-time`) for the simulating commands: option registration, the
 * fail-fast target check, the replay command a report carries (the canonical arguments plus these flags,
 * so pasting it regenerates the same report byte for byte), the tool version, and the atomic write.
 * The report's content is rendered by the pure functions in reports/; this file only does the I/O.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CompareReportMeta, RunReportMeta, WallFigures } from '../reports/index.js';
import type { Finding } from './finding.js';
import type { RunSpec } from './run-options.js';
import type { Scenario } from '../scenarios/scenarios.js';
import { checkOutputTargets, writeFileAtomic } from './files.js';
import { replayCommand } from './shell-quote.js';
import { UsageError } from './usage-error.js';

export interface ReportOptions {
  report?: string;
  reportWallTime?: boolean;
}

export function addReportOptions(command: Command, wallTime = true): Command {
  command.option('--report <file.md>', 'write a markdown report: verdict, causal story, sequence diagram, fault plan, replay command');
  // A search's wall time is not one run's: events/s would mislead, so check and shrink do not offer it.
  if (wallTime) command.option('--report-wall-time', 'add wall-clock time and events/s to the report (it then differs from run to run)');
  return command;
}

/**
 * Before the (possibly long) run, every output file the command was given, together: a directory, an
 * unwritable folder, an existing file without --force, or two options naming one file is exit 2.
 */
export function checkOutputFiles(values: ReportOptions & { trace?: string; emitPlan?: string; force?: boolean }): void {
  // A flag about a report nobody asked for would be dropped silently.
  if (values.reportWallTime === true && values.report === undefined) throw new UsageError('--report-wall-time adds figures to a report: give --report <file.md> too');
  checkOutputTargets({ '--trace': values.trace, '--emit-plan': values.emitPlan, '--report': values.report }, values.force === true);
}

/**
 * The command that reproduces the report: the canonical run arguments (`args`, without the program name),
 * then `--report` with the same path, and any other output flag the report's content depends on.
 */
export function reportReplayCommand(args: readonly string[], values: ReportOptions, extraArgs: readonly string[] = []): string {
  const flags = values.report === undefined ? [] : ['--report', values.report];
  return replayCommand([...args, ...extraArgs, ...flags, ...(values.reportWallTime === true ? ['--report-wall-time'] : [])]);
}

export function wallFigures(values: ReportOptions, wallMs: number, events: number): WallFigures | undefined {
  if (values.reportWallTime !== true) return undefined;
  return { wallMs, eventsPerSecond: wallMs > 0 ? (events * 1000) / wallMs : 0 };
}

export function writeReport(path: string, markdown: string): void {
  writeFileAtomic('--report', path, markdown);
}

/** A report's `scenario` entry: the named setup's name, summary and mechanism (nothing without a scenario). */
export function scenarioMeta(scenario: Scenario | undefined): { scenario?: { name: string; summary: string; mechanism: string } } {
  return scenario === undefined ? {} : { scenario: { name: scenario.name, summary: scenario.summary, mechanism: scenario.mechanism } };
}

let cachedVersion: string | undefined;

/** The package version, from package.json beside the sources (tests) or beside dist/ (the built CLI). */
export function toolVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'delivery-sim' && typeof manifest.version === 'string') return (cachedVersion = manifest.version);
    } catch {
      // not at this level; try the next
    }
  }
  return (cachedVersion = 'unknown');
}

/**
 * Report metadata for a `check` or `shrink` finding (undefined: the search found nothing). `args` are the
 * command's canonical arguments without the program name, e.g. ['check', '--mode', 'at-least-once', ...];
 * `--report` (and `--report-wall-time`) are appended, so the replay rewrites this same report.
 */
export function findingReportMeta(kind: 'check' | 'shrink', finding: Finding | undefined, spec: RunSpec, values: ReportOptions, args: readonly string[], extra: Partial<RunReportMeta> = {}): RunReportMeta {
  return {
    kind,
    toolVersion: toolVersion(),
    replayCommand: reportReplayCommand(args, values),
    ...scenarioMeta(spec.scenario),
    ...(finding !== undefined
      ? {
          originalFaultCount: finding.originalFaults,
          shrinkSteps: finding.shrinkSteps,
          counterexampleReplay: finding.replay,
          ...(finding.planFile !== undefined ? { planFile: finding.planFile } : {}),
        }
      : {}),
    ...extra,
  };
}

/** Report metadata for `compare`; `args` as for findingReportMeta (starting with 'compare'). */
export function compareReportMeta(spec: RunSpec, values: ReportOptions, args: readonly string[], planSource: string, planFile: string | undefined, wallMs: number, events: number): CompareReportMeta {
  const wall = wallFigures(values, wallMs, events);
  return {
    toolVersion: toolVersion(),
    replayCommand: reportReplayCommand(args, values),
    faultsLabel: planSource,
    ...scenarioMeta(spec.scenario),
    ...(planFile !== undefined ? { planFile } : {}),
    ...(wall !== undefined ? { wall } : {}),
  };
}
