/**
 * `simulate --report <file.md>` end to end, through the built CLI: the file is written atomically (no temp
 * file left, parent folders created), bad targets fail fast with one line and exit 2, two processes write
 * byte-identical reports, and the replay command printed inside the report regenerates that exact report.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { mermaidBlocks, parseMermaid } from './mermaid-parser.js';

beforeAll(requireBuiltCli);

const freshDir = tempDirs('simulate-report-');

/** The ```sh block under "## Replay", as arguments (the commands here need no shell quoting). */
function replayArgs(markdown: string): string[] {
  const match = /^## Replay[\s\S]*?^```sh\n(.*)\n```$/m.exec(markdown);
  if (match === null) throw new Error('no replay command');
  return withoutInvocation(match[1]).split(' ');
}

describe('--report', () => {
  it('writes the report, creating parent folders, and leaves no temp file', async () => {
    const dir = freshDir();
    const run = await runCli(['--scenario', 'lost-ack-retry', '--mode', 'at-least-once', '--report', 'out/deep/report.md'], { cwd: dir });
    expect(run.status).toBe(0);
    const markdown = readFileSync(join(dir, 'out', 'deep', 'report.md'), 'utf8');
    expect(markdown.split('\n')[0]).toBe('# at-least-once · seed 1 · duplicates: broken, as expected');
    expect(readdirSync(join(dir, 'out', 'deep'))).toEqual(['report.md']);
    expect(replayArgs(markdown)).toEqual(['--mode', 'at-least-once', '--seed', '1', '--scenario', 'lost-ack-retry', '--report', 'out/deep/report.md']);
    for (const block of mermaidBlocks(markdown)) await expect(parseMermaid(block)).resolves.toBe('sequence');
  });

  it('gives byte-identical reports from two processes, and its replay command regenerates the same bytes', async () => {
    const [first, second, third] = [freshDir(), freshDir(), freshDir()];
    const args = ['--mode', 'at-most-once', '--seed', '3', '--report', 'r.md', '--emit-plan', 'plan.json'];
    const runs = await Promise.all([runCli(args, { cwd: first }), runCli(args, { cwd: second })]);
    expect(runs.map((run) => run.status)).toEqual([0, 0]);
    const markdown = readFileSync(join(first, 'r.md'), 'utf8');
    expect(readFileSync(join(second, 'r.md'), 'utf8')).toBe(markdown);
    expect(markdown).toContain('Plan file: `plan.json`.');
    const replay = await runCli(replayArgs(markdown), { cwd: third });
    expect(replay.status).toBe(0);
    expect(readFileSync(join(third, 'r.md'), 'utf8')).toBe(markdown);
    expect(readFileSync(join(third, 'plan.json'), 'utf8')).toBe(readFileSync(join(first, 'plan.json'), 'utf8'));
  });

  it('adds wall-clock figures only when asked, and keeps the flag in the replay', async () => {
    const dir = freshDir();
    const run = await runCli(['--seed', '2', '--report', 'timed.md', '--report-wall-time'], { cwd: dir });
    expect(run.status).toBe(0);
    const markdown = readFileSync(join(dir, 'timed.md'), 'utf8');
    expect(markdown).toMatch(/\| wall time +\| events\/s +\|/);
    expect(replayArgs(markdown).at(-1)).toBe('--report-wall-time');
  });

  it('refuses an existing file without --force, and replaces it with --force', async () => {
    const dir = freshDir();
    const file = join(dir, 'keep.md');
    writeFileSync(file, 'mine\n');
    const refused = await runCli(['--seed', '1', '--report', file]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`simulate: refusing to overwrite ${file} (given as --report); pass --force to replace it\n`);
    expect(refused.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    const forced = await runCli(['--seed', '1', '--report', file, '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# at-least-once · seed 1 · /);
  });

  it('fails fast with one line and exit 2 for a directory or a path under a file', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'plain'), 'x');
    const cases: [string, RegExp][] = [
      [join(dir, 'folder'), /^simulate: invalid --report ".*folder": it is a directory, expected a file path\n$/],
      [join(dir, 'plain', 'sub', 'r.md'), /^simulate: invalid --report ".*r\.md": .*plain is a file, expected a folder on the way\n$/],
      ['', /^simulate: invalid --report "": expected a file path\n$/],
    ];
    for (const [target, message] of cases) {
      const run = await runCli(['--seed', '1', '--report', target]);
      expect(run.status, target).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'plain', 'sub'))).toBe(false);
  });
});
