/**
 * Every excerpt of real output in the README (a fenced block that starts with `$ npx simulate ...` or
 * `$ simulate ...`, `...` marking what it leaves out) is what that command prints today: each shown line appears in
 * the real output, in the same order. The first example is checked byte for byte in readme-example.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';
import { shellWords } from '../helpers/shell-words.js';

beforeAll(requireBuiltCli);

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');

interface Excerpt {
  readonly line: number;
  readonly command: string;
  readonly shown: readonly string[];
}

/** The README's excerpts: a command (continued over `\` line ends), then the output lines it shows. */
function excerpts(): Excerpt[] {
  const lines = readme.split('\n');
  const found: Excerpt[] = [];
  for (let at = 0; at < lines.length; at++) {
    const start = /^\$ (?:npx )?simulate (.*)$/.exec(lines[at]);
    if (start === null || !lines[at - 1].startsWith('```')) continue;
    let command = start[1];
    const line = at + 1;
    while (command.endsWith('\\')) command = `${command.slice(0, -1).trimEnd()} ${lines[++at].trim()}`;
    // A block of several commands (`$ ...  # comment` lines) shows no output of its own.
    const shown: string[] = [];
    while (!lines[++at].startsWith('```') && !lines[at].startsWith('$ ')) shown.push(lines[at]);
    if (shown.some((text) => text.trim() !== '' && text.trim() !== '...')) found.push({ line, command, shown });
  }
  return found;
}

/** A replay's program is the install's (`npx simulate` in a project, `simulate` globally): compared without it. */
const withoutProgram = (text: string): string => text.trimEnd().replace(/(?:npx )?simulate --/g, '<simulate> --');

let workDir: string;
beforeAll(() => {
  // Commands that write files (--emit-plan min.json) write them here; examples/ is reachable as in the project.
  workDir = mkdtempSync(join(tmpdir(), 'readme-excerpts-'));
  symlinkSync(join(ROOT, 'examples'), join(workDir, 'examples'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('README excerpts', () => {
  const all = excerpts().filter((excerpt) => excerpt.command !== '--mode at-least-once --seed 42');

  it('finds the excerpts it checks', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  for (const excerpt of all) {
    it(`line ${excerpt.line}: simulate ${excerpt.command}`, { timeout: 60_000 }, async () => {
      const run = await runCli([...shellWords(excerpt.command), '--no-color', '--force'], { cwd: workDir });
      expect(run.status, run.stderr).toBeLessThanOrEqual(1);
      const real = run.stdout.split('\n').map(withoutProgram);
      let from = 0;
      for (const shown of excerpt.shown.map(withoutProgram)) {
        if (shown.trim() === '' || shown.trim() === '...') continue;
        const found = real.indexOf(shown, from);
        expect(found, `README line ${excerpt.line}'s excerpt shows a line the command does not print (in this order):\n${shown}`).toBeGreaterThanOrEqual(0);
        from = found + 1;
      }
    });
  }
});
