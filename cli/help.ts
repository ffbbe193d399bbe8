/**
 * What `--help` shows besides the option list: options grouped by area (settings by their spec row's component,
 * so a new setting lands in its group by itself), a few examples per command, and the exit codes.
 */
import type { Command, Option } from 'commander';
import { INVOCATION } from './invocation.js';
import { SETTING_FLAGS } from './setting-flags.js';

/** The options that are not settings, by area. A flag missing here stays under commander's plain "Options:". */
const AREAS: Record<string, string> = {
  '--mode': 'Run',
  '--seed': 'Run',
  '--seeds': 'Run',
  '--scenario': 'Run',
  '--handler': 'Run',
  '--faults': 'Faults',
  '--plan': 'Faults',
  '--emit-plan': 'Faults',
  '--invariant': 'Search',
  '--runs': 'Search',
  '--max-faults': 'Search',
  '--kinds': 'Search',
  '--max-runs': 'Search',
  '--max-time-s': 'Search',
  '--emit-corpus': 'Output',
  '--workers': 'Scale',
  '--shard': 'Scale',
  '--vary': 'Scale',
  '--broker': 'Run',
  '--json': 'Output',
  '--trace': 'Output',
  '--report': 'Output',
  '--report-wall-time': 'Output',
  '--force': 'Output',
  '--no-color': 'Output',
};

/** A setting's help heading, from its spec row: `producer` -> "Producer settings:". */
export function settingHeading(component: string): string {
  return `${component.charAt(0).toUpperCase()}${component.slice(1)} settings:`;
}

const SETTING_AREAS = new Map(SETTING_FLAGS.map((spec) => [`--${spec.flag}`, settingHeading(spec.component)]));

/** The help heading of an option, or undefined for commander's default group. */
export function helpHeading(option: Option): string | undefined {
  const long = option.long ?? '';
  const area = AREAS[long];
  return area !== undefined ? `${area}:` : SETTING_AREAS.get(long);
}

/** Puts every option of `command` in its area's help group (groups appear in the order of their first option). */
export function groupOptions(command: Command): void {
  for (const option of command.options) {
    const heading = helpHeading(option);
    if (heading !== undefined) option.helpGroup(heading);
  }
}

export const EXIT_CODES: readonly (readonly [number, string])[] = [
  [0, 'ok: every invariant the mode promises held (or nothing to judge: list, help)'],
  [1, 'a promised invariant was VIOLATED'],
  [2, 'bad input or usage: one line on stderr naming the option, the value and what is allowed'],
  [3, 'internal error: a bug in simulate (one line on stderr); please report it with the command'],
];

/** Each command's examples: what to type, and what it does (run through the CLI's parser by a test). */
export const EXAMPLES: Record<string, readonly (readonly [string, string])[]> = {
  simulate: [
    ['--mode at-least-once --seed 42', 'one run of the default workload under the default fault rates'],
    ['--scenario leader-failover-acks-1', 'a named setup that forces one mechanism (list shows them all)'],
    ['--seed 7 --groups 2 --consumers 3 --partitions 6 --faults chaos', 'pub/sub fan-out to two groups of three competing members'],
    ['--mode exactly-once --seed 3 --dedup none --json', 'override one setting of the preset; print JSON'],
  ],
  check: [
    ['check --mode exactly-once', 'search generated fault plans for a break of each invariant'],
    ['check --mode at-least-once --invariant loss --acks 1 --runs 200', 'one invariant, a weakened setting, a smaller search'],
    ['check --mode at-most-once --kinds consumer-crash,fetch-lost --emit-plan plan.json', 'only some fault kinds; keep the minimal plan'],
  ],
  shrink: [
    ['shrink --mode at-least-once --seed 42', "shrink a seeded run's faults to the fewest that still break it"],
    ['shrink --mode exactly-once --plan plan.json --invariant duplicates', 'shrink a plan file, for one invariant'],
  ],
  compare: [
    ['compare --seed 42', 'the faults of seed 42 under every mode, side by side'],
    ['compare --scenario crash-after-db-commit --report compare.md', 'a scenario, with a markdown report'],
    ['compare --plan plan.json', 'an explicit plan under every mode'],
  ],
  sweep: [
    ['sweep --mode at-least-once --seeds 1..1000', 'how often each invariant breaks over a thousand seeds'],
    ['sweep --mode exactly-once --seeds 200 --faults chaos', 'seeds 1..200 under heavy fault rates'],
    ['sweep --mode at-most-once --seeds 500 --vary drop=0..0.2:0.02 --report drop.md', 'how loss grows with the drop rate: a table, a chart, a markdown report'],
    ['sweep --seeds 1..20000 --shard 2/4 --json', 'the second quarter of the seeds (one CI job of four); join with merge'],
  ],
  merge: [
    ['merge shard-1.json shard-2.json shard-3.json shard-4.json', "the shards' sweep --json joined: the whole sweep's JSON"],
    ['merge shard-*.json', 'the same with a shell glob: the order of the files does not matter'],
  ],
  explore: [
    ['explore --mode exactly-once --max-faults 2 --messages 3 --partitions 1', 'every plan of at most 2 faults in a small world: a proof, or the minimal breaking plans'],
    ['explore --mode at-least-once --max-faults 1 --messages 3 --partitions 1', 'every single-fault cause of a duplicate, each once'],
    ['explore --mode exactly-once --dedup separate-transaction --max-faults 1 --emit-corpus corpus/', 'a weakened setting: its minimal breaking plans, kept as regression files'],
    ['explore --mode exactly-once --max-faults 3 --max-time-s 60 --json', 'as far as a minute goes; says what stopped it'],
  ],
  list: [
    ['list', 'every family, mode, scenario, fault kind and setting (each mode\'s value beside it)'],
    ['list --json', 'the same as one JSON object'],
  ],
};

/** Each example as a comment line and the command under it, so the command can be pasted as it stands. */
function examplesText(name: string): string {
  const examples = EXAMPLES[name] ?? [];
  if (examples.length === 0) return '';
  return ['Examples:', ...examples.flatMap(([args, what]) => [`  # ${what}`, `  ${INVOCATION} ${args}`])].join('\n');
}

function exitCodesText(full: boolean): string {
  if (!full) return `Exit codes: ${EXIT_CODES.map(([code, what]) => `${code} ${what.split(':')[0]}`).join(', ')}.`;
  return ['Exit codes:', ...EXIT_CODES.map(([code, what]) => `  ${code}  ${what}`)].join('\n');
}

/**
 * Groups, help option and trailing text for one command (`name`: its key in EXAMPLES; 'simulate' for the program,
 * whose help lists the exit codes in full). Call after every option is registered.
 */
export function decorateHelp(command: Command, name: string): Command {
  groupOptions(command);
  const isProgram = name === 'simulate';
  command.optionsGroup('Help:').helpOption('-h, --help', isProgram ? `show this help (${INVOCATION} help <command>: a command's)` : 'show this help');
  const after = [examplesText(name), exitCodesText(isProgram)].filter((text) => text !== '');
  return command.addHelpText('after', `\n${after.join('\n\n')}`);
}
