/** Running the shipped CLI (`node dist/bin/simulate.cjs`, the bin) as a user would, from tests. */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { expect, inject } from 'vitest';
import { invocationFor } from '../../cli/invocation.js';
import { CLI_MAIN, ROOT } from './build.js';

/**
 * How the built CLI names itself in the replay commands it prints (`simulate`, `npx simulate`: it depends on where
 * it is installed), so tests that compare printed commands hold wherever the project is checked out.
 */
export const CLI_INVOCATION = invocationFor(realpathSync(CLI_MAIN));

/** A printed replay command without its program prefix (which must be this install's). */
export function withoutInvocation(command: string): string {
  expect(command.startsWith(`${CLI_INVOCATION} `), command).toBe(true);
  return command.slice(CLI_INVOCATION.length + 1);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment; NO_COLOR, FORCE_COLOR and the like are removed unless given here. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Fails the calling suite with the compiler's output if the global setup could not build dist/. */
export function requireBuiltCli(): void {
  const error = inject('cliBuildError');
  if (error !== '') throw new Error(error);
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'CI'].includes(name)) env[name] = value;
  }
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_MAIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

/** Bad input: exactly one line on stderr, starting `simulate: ` and holding every fragment; nothing on stdout; exit 2. */
export function expectOneLineError(run: CliRun, fragments: readonly string[]): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toContain('    at ');
  const lines = run.stderr.split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines, run.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^simulate: /);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}
