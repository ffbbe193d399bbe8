/**
 * A progress line for long work (sweep, check) on stderr: done/total, rate, ETA and the breaks found so far.
 * Drawn only for a person watching a terminal: never when stderr is a pipe or file, with --json, or under CI,
 * so scripts and logs read exactly what they read before.
 */
import cliProgress from 'cli-progress';

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

/** A progress line over `total` `unit`s (e.g. "seeds"), or a silent one when nobody is watching. */
export function startProgress(label: string, total: number, unit: string, when: ProgressWhen): Progress {
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
  const rate = (done: number): string => {
    const seconds = (performance.now() - started) / 1000;
    return seconds <= 0 ? '0' : Math.round(done / seconds).toLocaleString('en-US');
  };
  bar.start(total, 0, { rate: '0', breaks: 'no breaks yet' });
  return {
    update: (done, breaks) => bar.update(done, { rate: rate(done), breaks }),
    stop: () => bar.stop(),
  };
}
