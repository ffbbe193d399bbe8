/** The README's first example is the CLI's real output, byte for byte (a README that lies is worse than none). */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');

/** The lines of the fenced block that starts with `$ npx <command>`, without the command line. */
function exampleOutput(command: string): string {
  const start = readme.indexOf(`$ npx ${command}\n`);
  if (start < 0) throw new Error(`README has no example of ${command}`);
  const from = start + `$ npx ${command}\n`.length;
  return readme.slice(from, readme.indexOf('```', from));
}

/**
 * The replay line's program is the install's (`simulate` globally, `npx simulate` in a project: cli/invocation.ts);
 * the example is compared with that one word left out, so it holds wherever the project is checked out.
 */
function anyInvocation(text: string): string {
  return text.replace(/^replay: (?:npx )?simulate /m, 'replay: <simulate> ');
}

describe('README examples', () => {
  it('the two commands come first', () => {
    expect(readme.split('\n').slice(2, 6).join('\n')).toBe('```sh\nnpm install && npx simulate --mode at-least-once --seed 42\nnpm test\n```');
  });

  it('simulate --mode at-least-once --seed 42 prints exactly what the README shows', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--seed', '42', '--no-color']);
    expect(run.status).toBe(0);
    expect(anyInvocation(run.stdout)).toBe(anyInvocation(exampleOutput('simulate --mode at-least-once --seed 42')));
  });
});
