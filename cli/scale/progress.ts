/**
 * A progress line for long work (sweep, check) on stderr: done/total, rate, ETA and the breaks found so far.
 * Drawn only for a person watching a terminal: never when stderr is a pipe or file, with --json, or under CI,
 * so scripts and logs read exactly what they read before.
 */
import cliProgress from 'cli-progress';
import type { ProgressObserver, RunObservers, SimulationRunner } from '../../models/engine.js';
import type { SimulationConfig } from '../../models/config.js';
import type { FaultSource } from '../../models/faults/catalog.js';

export interface Progress {
  /** `done` of the total so far, and a short summary of the breaks found so far. */
  update(done: number, breaks: string): void;
  stop(): void;
}

export interface ProgressWhen {
  json?: boolean;
  /** Defaults to process.stderr.isTTY and process.env.CI; tests pass their own. */
  isTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

/** CI=true (or 1, or any value but false/0): the variable every CI service sets. */
function underCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

export function progressWanted(when: ProgressWhen): boolean {
  return when.json !== true && (when.isTTY ?? process.stderr.isTTY === true) && !underCi(when.env ?? process.env);
}

/** Where a progress line starts: nothing done and no breaks yet, unless the work was under way before it was drawn. */
export interface ProgressStart {
  done: number;
  note: string;
}

const FROM_NOTHING: ProgressStart = { done: 0, note: 'no breaks yet' };

/** A progress line over `total` `unit`s (e.g. "seeds"), or a silent one when nobody is watching. */
export function startProgress(label: string, total: number, unit: string, when: ProgressWhen, from: ProgressStart = FROM_NOTHING): Progress {
  if (!progressWanted(when)) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} · {rate}/s · ETA {eta_formatted} · {breaks}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
      fps: 8,
      etaBuffer: 64,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  // Measured from where the line starts, so work done before it was drawn does not inflate the rate.
  const rate = (done: number): string => {
    const seconds = (performance.now() - started) / 1000;
    return seconds <= 0 ? '0' : Math.round((done - from.done) / seconds).toLocaleString('en-US');
  };
  bar.start(total, from.done, { rate: '0', breaks: from.note });
  return {
    update: (done, breaks) => bar.update(done, { rate: rate(done), breaks }),
    stop: () => bar.stop(),
  };
}

/** A single run draws its line only once it has taken this long: a run of the default 40 messages prints nothing new. */
export const RUN_PROGRESS_DELAY_MS = 1000;

/** A single run's progress line, and what ends it (before the run's own output is printed). */
export interface RunProgressLine {
  /** Undefined when nobody is watching: the run is not even told to report. */
  readonly observer: ProgressObserver | undefined;
  stop(): void;
}

/**
 * A long single run's progress (a million messages take half a minute, ten million several minutes): messages
 * applied of messages x groups, rate, ETA and the events so far, drawn once the run has taken `delayMs`.
 */
export function startRunProgress(when: ProgressWhen, delayMs = RUN_PROGRESS_DELAY_MS, label = 'simulate'): RunProgressLine {
  if (!progressWanted(when)) return { observer: undefined, stop: () => {} };
  const started = performance.now();
  let line: Progress | undefined;
  return {
    observer: {
      report: ({ events, applied, total }) => {
        const done = Math.min(applied, total);
        const note = `${eventsWords(events)} events`;
        if (line === undefined) {
          if (performance.now() - started >= delayMs) line = startProgress(label, total, 'messages applied', when, { done, note });
          return;
        }
        line.update(done, note);
      },
    },
    stop: () => line?.stop(),
  };
}

/** A run's observers with its progress line's added (as they are when nobody watches). */
export function watchedBy(observers: RunObservers | undefined, progress: ProgressObserver | undefined): RunObservers | undefined {
  return progress === undefined ? observers : { ...observers, progress };
}

/**
 * A runner each of whose long runs draws its own line, labelled by `label` (a command that runs a few whole runs in
 * turn, like compare). A runner that runs elsewhere (a handler's, in a worker thread) is not told and draws nothing.
 */
export function withRunProgress(runner: SimulationRunner, when: ProgressWhen, label: (config: SimulationConfig, source: FaultSource) => string): SimulationRunner {
  if (!progressWanted(when)) return runner;
  return (config, source, observers) => {
    const line = startRunProgress(when, RUN_PROGRESS_DELAY_MS, label(config, source));
    try {
      return runner(config, source, watchedBy(observers, line.observer));
    } finally {
      line.stop();
    }
  };
}

/** 45.2 M, or 812,000 below a million. */
function eventsWords(events: number): string {
  return events >= 1e6 ? `${(events / 1e6).toFixed(1)} M` : events.toLocaleString('en-US');
}
