/**
 * `--report` on check, shrink and compare, end to end against the built CLI: the report is written, holds a
 * sequence diagram and a replay command, and running that replay command regenerates the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';

let folder: string;
beforeAll(() => {
  requireBuiltCli();
  folder = mkdtempSync(join(tmpdir(), 'sim-report-commands-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The first command in the report's Replay section, as argv words after the program (no quoting needed here). */
function replayArgs(markdown: string): string[] {
  const match = /## Replay[\s\S]*?```sh\n([^\n]+)\n```/.exec(markdown);
  if (match === null) throw new Error('no replay command in the report');
  return withoutInvocation(match[1]).split(' ');
}

const cases: [string, string[], number][] = [
  ['check', ['check', '--mode', 'at-most-once', '--invariant', 'loss', '--runs', '100', '--report', 'check.md'], 0],
  ['shrink', ['shrink', '--mode', 'at-least-once', '--seed', '42', '--invariant', 'duplicates', '--report', 'shrink.md'], 0],
  ['compare', ['compare', '--seed', '42', '--report', 'compare.md'], 0],
];

describe('--report on check, shrink and compare', () => {
  it.each(cases)('%s writes a report whose replay command regenerates it byte for byte', async (_name, args, exitCode) => {
    const first = await runCli(args, { cwd: folder });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(exitCode);
    const file = join(folder, args[args.indexOf('--report') + 1]);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('```mermaid\nsequenceDiagram');
    const replay = replayArgs(markdown);
    expect(replay[0]).toBe(args[0]);
    expect(replay).toContain('--report');
    const again = await runCli([...replay, '--force'], { cwd: folder });
    expect(again.status).toBe(exitCode);
    expect(readFileSync(file, 'utf8')).toBe(markdown);
  });

  it('refuses to overwrite an existing report without --force, before searching', async () => {
    const result = await runCli(['check', '--mode', 'at-most-once', '--runs', '10', '--report', 'check.md'], { cwd: folder });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('refusing to overwrite');
    expect(result.stdout).toBe('');
  });

  it('check and shrink do not offer --report-wall-time (a search has no single events/s)', async () => {
    const result = await runCli(['shrink', '--mode', 'at-least-once', '--seed', '42', '--report', 'x.md', '--report-wall-time'], { cwd: folder });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--report-wall-time'");
  });
});
