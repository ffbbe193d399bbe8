/** `simulate [options]`: one deterministic run, printed for humans or as JSON, optionally with its trace. */
import type { Command } from 'commander';
import { runSimulation } from '../../models/engine.js';
import { addHandlerOption, loadHandlerOption, runWithHandler } from '../handler-option.js';
import type { SimulationResult } from '../../models/engine.js';
import type { TraceEvent } from '../../models/events.js';
import { startRunProgress, watchedBy } from '../scale/progress.js';
import { traceLine } from '../../sim/trace.js';
import { makeColor } from '../color.js';
import { addOutputOptions } from '../output-options.js';
import { StreamedOutput, writeFilesThenPrint } from '../files.js';
import type { OutputFile } from '../files.js';
import { renderRun } from '../human-output.js';
import { runJson } from '../json-output.js';
import { runPlanText } from '../plan-file.js';
import type { EmitPlanOption } from '../plan-file.js';
import { addReportOptions, checkOutputFiles, reportReplayCommand, scenarioMeta, toolVersion, wallFigures } from '../report-output.js';
import type { ReportOptions } from '../report-output.js';
import { addEmitPlanOption, addPlanOption, addRunOptions, buildRunSpec, printNotes } from '../run-options.js';
import type { RunOptionValues, RunSpec } from '../run-options.js';
import { replayCommand } from '../shell-quote.js';
import { guardHeap } from '../heap-guard.js';
import { EXIT_OK, EXIT_VIOLATED } from '../usage-error.js';

export interface OutputOptions {
  json?: boolean;
  trace?: string;
  color?: boolean;
  force?: boolean;
  /** A team's own handler module, in place of the built-in processing. */
  handler?: string;
}

export function registerRun(program: Command): void {
  addHandlerOption(addReportOptions(addEmitPlanOption(addPlanOption(addOutputOptions(addRunOptions(program), { trace: true })))))
    .action((values: RunOptionValues & OutputOptions & EmitPlanOption & ReportOptions) => {
    return runCommand(values).then((code) => {
      process.exitCode = code;
    });
  });
}

export async function runCommand(values: RunOptionValues & OutputOptions & EmitPlanOption & ReportOptions): Promise<number> {
  checkOutputFiles(values);
  const spec = buildRunSpec(values, { takesHandler: true });
  guardHeap([spec.config]);
  const handler = spec.handler === undefined ? undefined : await loadHandlerOption(spec.handler);
  printNotes(spec.notes);
  // The trace file is written as the run goes: a long run's trace is never held whole in memory.
  const traceFile = values.trace === undefined ? undefined : new StreamedOutput('--trace', values.trace);
  const started = performance.now();
  const progress = startRunProgress({ json: values.json });
  let result: SimulationResult;
  try {
    // A handler's run keeps its trace whole and writes it after (below): only the built-in run streams it.
    const streamed = traceFile === undefined ? undefined : { trace: { sink: (record: TraceEvent) => traceFile.write(traceLine(record) + '\n') } };
    result = handler === undefined ? runSimulation(spec.config, spec.faults, watchedBy(streamed, progress.observer)) : await runWithHandler(spec.config, spec.faults, handler, watchedBy(undefined, progress.observer));
  } catch (error) {
    traceFile?.abandon();
    throw error;
  } finally {
    // Cleared before anything else is written: the run's output never lands on the progress line.
    progress.stop();
  }
  // A handler's run keeps its trace whole (it is not re-run): written from there.
  if (handler !== undefined && traceFile !== undefined) for (const record of result.trace) traceFile.write(traceLine(record) + '\n');
  const wallMs = Math.round((performance.now() - started) * 1000) / 1000;
  const files: OutputFile[] = [];
  if (traceFile !== undefined && !traceFile.followsText) traceFile.finish();
  if (values.emitPlan !== undefined) files.push({ option: '--emit-plan', path: values.emitPlan, content: runPlanText(values.emitPlan, spec, result.injected) });
  if (values.report !== undefined) files.push({ option: '--report', path: values.report, content: await runReport(result, spec, values, wallMs) });
  // The printed run ends in "(exit N)": only once the files are written is N known to be the exit code.
  writeFilesThenPrint(files, () => printRun(result, spec, values, wallMs));
  if (traceFile?.followsText === true) traceFile.finish();
  return result.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
}

function printRun(result: SimulationResult, spec: RunSpec, values: OutputOptions, wallMs: number): void {
  const replay = replayCommand(spec.replayArgs);
  if (values.json === true) process.stdout.write(JSON.stringify(runJson(result, spec, wallMs, replay), null, 2) + '\n');
  else process.stdout.write(renderRun(result, spec, makeColor(values.color), replay));
}

/** The markdown report of this run; its replay command regenerates it byte for byte (wall time aside). */
async function runReport(result: SimulationResult, spec: RunSpec, values: EmitPlanOption & ReportOptions, wallMs: number): Promise<string> {
  // Loaded only when asked for: the renderer is a sizeable share of a plain run's start-up time.
  const { renderRunReport } = await import('../../reports/index.js');
  // The emitted plan file is named in the report, so the replay writes it again too.
  const emit = values.emitPlan === undefined ? [] : ['--emit-plan', values.emitPlan];
  const wall = wallFigures(values, wallMs, result.stats.events);
  return renderRunReport(result, {
    kind: 'run',
    toolVersion: toolVersion(),
    replayCommand: reportReplayCommand(spec.replayArgs, values, emit),
    faultsLabel: spec.faultsLabel,
    ...scenarioMeta(spec.scenario),
    ...(values.emitPlan !== undefined ? { planFile: values.emitPlan } : {}),
    ...(wall !== undefined ? { wall } : {}),
  });
}
