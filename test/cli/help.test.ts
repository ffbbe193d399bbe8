/**
 * Help that helps: unknown commands and options answered with commander's suggestion in one line, `help <command>`,
 * -v/--version, options grouped by area (settings by their spec row's component), examples that parse, exit codes.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, EXIT_CODES, settingHeading } from '../../cli/help.js';
import { buildProgram } from '../../cli/program.js';
import { buildRunSpec } from '../../cli/run-options.js';
import { SETTING_FLAGS } from '../../cli/setting-flags.js';
import { usageLine } from '../../cli/usage-line.js';
import { ROOT } from '../helpers/build.js';
import { CLI_INVOCATION, expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

const manifest = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };

describe.concurrent('unknown commands and options: one line with a suggestion, exit 2', () => {
  it.each([
    [['chek'], "simulate: unknown command 'chek' — did you mean 'check'?"],
    [['help', 'chek'], "simulate: unknown command 'chek' — did you mean 'check'?"],
    [['comapre', '--seed', '1'], "simulate: unknown command 'comapre' — did you mean 'compare'?"],
    [['--seeed', '1'], "simulate: unknown option '--seeed' — did you mean '--seed'?"],
    [['check', '--mode', 'at-least-once', '--invariantt', 'loss'], "simulate: unknown option '--invariantt' — did you mean '--invariant'?"],
    [['list', '--jsno'], "simulate: unknown option '--jsno' — did you mean '--json'?"],
  ])('simulate %s', async (args, line) => {
    const run = await runCli(args);
    expectOneLineError(run, []);
    expect(run.stderr).toBe(`${line}\n`);
  });

  it('without a close match, the line points at the help of the command that refused it', async () => {
    expect((await runCli(['zzzzzz'])).stderr).toBe(`simulate: unknown command 'zzzzzz' (see ${CLI_INVOCATION} --help)\n`);
    expect((await runCli(['sweep', '--zzzzzz'])).stderr).toBe(`simulate: unknown option '--zzzzzz' (see ${CLI_INVOCATION} sweep --help)\n`);
  });

  it('turns commander\'s two-line message into one', () => {
    expect(usageLine("error: unknown option '--seeed'\n(Did you mean --seed?)", 'x --help')).toBe("unknown option '--seeed' — did you mean '--seed'?");
    expect(usageLine("error: unknown command 'sx'\n(Did you mean one of sweep, shrink?)", 'x --help')).toBe("unknown command 'sx' — did you mean one of 'sweep', 'shrink'?");
    expect(usageLine("error: option '--mode <mode>' argument missing", 'x --help')).toBe("option '--mode <mode>' argument missing (see x --help)");
  });
});

describe.concurrent('help and version', () => {
  it('simulate help <command> is that command\'s help, exit 0; simulate help is the program\'s', async () => {
    const check = await runCli(['help', 'check']);
    expect(check.status).toBe(0);
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe((await runCli(['check', '--help'])).stdout);
    expect(check.stdout).toContain('Usage: simulate check');
    const program = await runCli(['help']);
    expect(program.status).toBe(0);
    expect(program.stdout).toBe((await runCli(['--help'])).stdout);
  });

  it('-v, -V and --version print the package version', async () => {
    for (const flag of ['-v', '-V', '--version']) {
      const run = await runCli([flag]);
      expect(run.status, flag).toBe(0);
      expect(run.stdout).toBe(`${manifest.version}\n`);
    }
  });
});

/** Help text as { heading: lines }, for the groups. */
function sections(help: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of help.split('\n')) {
    if (/^[A-Z][^:]*:$/.test(line)) result.set(line, (current = []));
    else current.push(line);
  }
  return result;
}

async function program(args: string[] = ['--help']): Promise<Command> {
  return buildProgram(args);
}

function commandsOf(root: Command): Command[] {
  return [root, ...root.commands.filter((command) => command.name() !== 'help')];
}

describe('--help groups, examples and exit codes', () => {
  it('puts every setting flag under its component\'s heading, on every command that takes settings', async () => {
    const root = await program();
    for (const command of commandsOf(root).filter((item) => item.options.some((option) => option.long === '--acks'))) {
      const groups = sections(command.helpInformation());
      for (const spec of SETTING_FLAGS) {
        const lines = groups.get(settingHeading(spec.component));
        expect(lines, `${command.name()}: ${settingHeading(spec.component)}`).toBeDefined();
        expect(lines?.some((line) => line.startsWith(`  --${spec.flag} `)), `${command.name()} --${spec.flag}`).toBe(true);
      }
    }
  });

  it('groups the other options by area, with nothing left in a catch-all "Options:" group', async () => {
    const root = await program();
    for (const command of commandsOf(root)) {
      const groups = sections(command.helpInformation());
      expect(groups.has('Options:'), command.name()).toBe(false);
      expect(groups.get('Help:')?.some((line) => line.includes('--help')), command.name()).toBe(true);
      // list prints the catalogue; merge joins files: neither runs a world.
      if (!['list', 'merge'].includes(command.name())) {
        expect(groups.get('Run:')?.some((line) => line.includes('--mode')), command.name()).toBe(true);
        expect(groups.get('Output:')?.some((line) => line.includes('--json')), command.name()).toBe(true);
      }
    }
    expect(sections(root.helpInformation()).get('Faults:')?.some((line) => line.includes('--faults'))).toBe(true);
    expect(sections((root.commands.find((item) => item.name() === 'check') as Command).helpInformation()).get('Search:')?.some((line) => line.includes('--kinds'))).toBe(true);
  });

  it('every command shows 2-4 examples, and the program\'s help all four exit codes', async () => {
    const root = await program();
    for (const command of commandsOf(root)) {
      const name = command === root ? 'simulate' : command.name();
      const help = (await runCli(command === root ? ['--help'] : [name, '--help'])).stdout;
      const examples = help.split('\n').filter((line) => line.startsWith(`  ${CLI_INVOCATION} `));
      expect(examples.length, name).toBeGreaterThanOrEqual(2);
      expect(examples.length, name).toBeLessThanOrEqual(4);
      expect(examples).toEqual(EXAMPLES[name].map(([args]) => `  ${CLI_INVOCATION} ${args}`));
      expect(help, name).toMatch(/Exit codes:? .*0.*1.*2.*3|Exit codes:\n/);
    }
    const help = (await runCli(['--help'])).stdout;
    for (const [code, what] of EXIT_CODES) expect(help).toContain(`  ${code}  ${what}`);
  });

  it('every example parses, and its options make a valid run', async () => {
    for (const [name, examples] of Object.entries(EXAMPLES)) {
      for (const [text] of examples) {
        const args = text.split(' ');
        const root = await program(args);
        let parsed: Record<string, unknown> | undefined;
        for (const command of commandsOf(root)) command.action((values: Record<string, unknown>) => void (parsed = values));
        await root.parseAsync(args, { from: 'user' });
        expect(parsed, `${name}: ${text}`).toBeDefined();
        const values = parsed as Record<string, string | undefined>;
        // A plan file is read from disk: the option is known, its file is not part of the example.
        if (name !== 'list' && values.plan === undefined) expect(() => buildRunSpec({ ...values, seed: name === 'sweep' ? undefined : values.seed }), text).not.toThrow();
      }
    }
  });
});

describe('the README documents the exit codes', () => {
  it('names every exit code in its CLI section', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const cli = readme.slice(readme.indexOf('## CLI'), readme.indexOf('### Settings'));
    for (const [code] of EXIT_CODES) expect(cli).toContain(`**${code}**`);
  });
});
