/** The built CLI end to end: exit codes, --json, determinism across processes, colour, list/help/version. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
import { CLI_INVOCATION, requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

beforeAll(requireBuiltCli);

const freshDir = tempDirs('simulate-value-');

// The escape character, written without a control character in a regex literal (eslint no-control-regex).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);
const VIOLATING = ['--mode', 'at-least-once', '--commit', 'before-process', '--scenario', 'crash-after-early-commit'];

interface RunJson {
  mode: string;
  seed: number;
  config: { mode: string; seed: number; settings: Record<string, unknown>; workload: Record<string, unknown>; timing: Record<string, unknown>; limits: Record<string, unknown> };
  faultCounts: Record<string, number>;
  invariants: Record<'loss' | 'duplicates' | 'order' | 'liveness', { promised: boolean; holds: boolean; count: number; status: string; witnesses: { msg: string; summary: string; records: unknown[] }[] }>;
  verdict: string;
  stats: { events: number; virtualTimeMs: number; wallMs: number; traceRecords: number; logDuplicates: { count: number; witnesses: { msg: string; how: string | null; because: string[] }[] } };
  traceHash: string;
  replay: string;
}

describe.concurrent('exit codes', () => {
  it('0 when every promised invariant holds, with the verdict and the replay command', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--seed', '42']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('simulate · at-least-once · seed 42');
    expect(run.stdout).toContain('verdict: ok');
    expect(run.stdout).toContain(`replay: ${CLI_INVOCATION} --mode at-least-once --seed 42`);
  });

  it('0 for exactly-once under default faults', async () => {
    expect((await runCli(['--mode', 'exactly-once', '--seed', '7'])).status).toBe(0);
  });

  it('0 when an unpromised invariant breaks (at-most-once losing is expected)', async () => {
    const run = await runCli(['--mode', 'at-most-once', '--scenario', 'lost-request', '--no-color']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/loss\s+no\s+1\s+broken, as expected/);
  });

  it('1 when a promised invariant is VIOLATED, naming it', async () => {
    const run = await runCli([...VIOLATING, '--no-color']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^loss\s+yes\s+1 .*VIOLATED$/m);
    expect(run.stdout).toContain('verdict: VIOLATED — loss broke although at-least-once promises it (exit 1)');
    expect(run.stdout).toContain(`replay: ${CLI_INVOCATION} --mode at-least-once --seed 1 --scenario crash-after-early-commit --commit before-process`);
  });

  it('1 when a timeout no answer can meet keeps the run from settling: a note says so first, and the liveness witness names it', async () => {
    const hopeless = ['--mode', 'at-least-once', '--faults', 'none', '--messages', '4', '--request-timeout-ms', '0.1', '--max-virtual-time-ms', '300', '--no-color'];
    const run = await runCli(hopeless);
    expect(run.status).toBe(1);
    const note = "--request-timeout-ms 0.1 is shorter than the quickest produce request's acknowledgement can come (0.4 ms: twice --latency-ms-min), so every produce request times out before its acknowledgement arrives and is sent again";
    expect(run.stderr).toBe(`simulate: note: ${note}\n`);
    expect(run.stdout).toContain(`it hit the limit of 300 ms of virtual time (limits.maxVirtualTimeMs, --max-virtual-time-ms raises it); ${note}`);
    // A sweep of the same world says so once, before its seeds run.
    const sweep = await runCli(['sweep', '--seeds', '1..3', ...hopeless]);
    expect(sweep.status).toBe(1);
    expect(sweep.stderr).toBe(`simulate: note: ${note}\n`);
  });

  it('1 for acks=1 with a leader failover under at-least-once (acknowledged loss)', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--scenario', 'leader-failover-acks-1', '--no-color']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/loss\s+yes\s+1 \(1 acknowledged\)\s+VIOLATED/);
  });

  it('the printed replay command reproduces the run exactly', async () => {
    const first = await runCli([...VIOLATING, '--seed', '3', '--max-poll-records', '2', '--no-color']);
    const replay = /replay: (.*)/.exec(first.stdout)?.[1];
    expect(replay).toBeDefined();
    const again = await runCli([...withoutInvocation(replay as string).split(' '), '--no-color']);
    expect(again.status).toBe(first.status);
    expect(again.stdout).toBe(first.stdout);
  });
});

describe.concurrent('a plan whose faults never matched', () => {
  it('lists them in words, with the reason when the world lacks what they name', async () => {
    const plan = { version: 1, faults: [{ kind: 'leader-failover', message: 'm99999' }, { kind: 'fetch-lost', partition: 5, fromOffset: 0, attempt: 1 }, { kind: 'request-lost', message: 'm3', attempt: 7 }] };
    const run = await runCli(['--no-color', '--messages', '20', '--plan', JSON.stringify(plan)]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('! 3 faults of the plan never matched anything in this run');
    expect(run.stdout).toContain("· the leader of m99999's partition fails right after appending m99999 — never here: the workload hands over m1..m20 only");
    expect(run.stdout).toContain('· the fetch response for partition 5 from offset 0 (fetch 1) is lost — never here: the topic has partitions 0..1 only');
    // m3 exists: only the run could say why its seventh attempt never came.
    expect(run.stdout).toMatch(/· the produce request for m3 \(attempt 7\) is lost before reaching the broker\n/);
  });
});

describe.concurrent('--json', () => {
  it('prints one object with the documented fields', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--seed', '42', '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.mode).toBe('at-least-once');
    expect(json.seed).toBe(42);
    expect(json.config.mode).toBe('at-least-once');
    expect(json.config.settings).toMatchObject({ acks: 'all', commit: 'after-process', enableIdempotence: false, producerBuffer: 'outbox' });
    expect(json.config.workload).toMatchObject({ messages: 40, keys: 4, partitions: 2 });
    expect(Object.keys(json.config.limits).sort()).toEqual(['maxEvents', 'maxVirtualTimeMs', 'progressTimeoutMs']);
    expect(Object.keys(json.faultCounts).sort()).toEqual(
      [
        'ack-lost',
        'commit-lost',
        'consumer-crash',
        'db-reply-lost',
        'fetch-duplicated',
        'fetch-lost',
        'leader-failover',
        'partition',
        'processing-error',
        'producer-crash',
        'request-delayed',
        'request-lost',
        'transaction-abort',
        'end-txn-response-lost',
        'transaction-coordinator-failover',
        'zombie-producer',
        'broker-crash',
        'controller-partition',
        'inter-broker-partition',
      ].sort(),
    );
    for (const name of ['loss', 'duplicates', 'order'] as const) {
      const invariant = json.invariants[name];
      expect(typeof invariant.promised).toBe('boolean');
      expect(invariant.holds).toBe(invariant.count === 0);
      expect(Number.isInteger(invariant.count)).toBe(true);
      expect(Array.isArray(invariant.witnesses)).toBe(true);
    }
    expect(json.invariants.loss.promised).toBe(true);
    expect(json.invariants.duplicates.promised).toBe(false);
    expect(json.verdict).toBe('ok');
    expect(json.stats.events).toBeGreaterThan(100);
    expect(json.stats.virtualTimeMs).toBeGreaterThan(80);
    expect(typeof json.stats.wallMs).toBe('number');
    expect(json.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('agrees with the library: same counts, same events, same trace hash', async () => {
    const run = await runCli(['--mode', 'at-most-once', '--seed', '11', '--messages', '60', '--faults', 'chaos', '--json']);
    const json = JSON.parse(run.stdout) as RunJson;
    const result = simulate({ mode: 'at-most-once', seed: 11, workload: { messages: 60 }, faults: 'chaos' });
    expect(json.traceHash).toBe(result.traceHash());
    expect(json.stats.events).toBe(result.stats.events);
    expect(json.faultCounts).toEqual(result.faultCounts);
    for (const name of ['loss', 'duplicates', 'order', 'liveness'] as const) expect(json.invariants[name].count).toBe(result.invariants[name].count);
    expect(json.stats.logDuplicates.count).toBe(result.stats.logDuplicates.count);
  });

  it('stats.logDuplicates names the records appended twice, with the shared witness shape; the text says it too', async () => {
    const args = ['--scenario', 'lost-ack-retry', '--mode', 'at-least-once', '--seed', '1'];
    const json = JSON.parse((await runCli([...args, '--json'])).stdout) as RunJson;
    expect(json.stats.logDuplicates.count).toBe(1);
    expect(json.stats.logDuplicates.witnesses[0]).toMatchObject({ msg: 'm3', how: 'lost ack, then a retry: duplicate in the log' });
    expect(json.stats.logDuplicates.witnesses[0].because).toEqual(["the broker's ack for m3 (attempt 1) is lost on the way back to the producer"]);
    const text = (await runCli(args)).stdout;
    expect(text).toContain('log duplicates  1 message in the log more than once');
    expect(text).toMatch(/m3 \(key k0\) is in partition 0's log 2 times/);
  });

  it('a VIOLATED run has verdict "violated", witnesses, and exit 1', async () => {
    const run = await runCli([...VIOLATING, '--json']);
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.verdict).toBe('violated');
    expect(json.invariants.loss).toMatchObject({ promised: true, holds: false, status: 'VIOLATED' });
    expect(json.invariants.loss.witnesses.map((witness) => witness.msg)).toContain('m3');
    expect(json.invariants.loss.witnesses[0].records.length).toBeGreaterThan(0);
  });

  it('only stats.wallMs depends on the wall clock', async () => {
    const args = ['--mode', 'exactly-once', '--seed', '5', '--json'];
    const [first, second] = await Promise.all([runCli(args), runCli(args)]);
    const strip = (text: string): unknown => {
      const json = JSON.parse(text) as RunJson;
      return { ...json, stats: { ...json.stats, wallMs: 0 } };
    };
    expect(strip(second.stdout)).toEqual(strip(first.stdout));
  });
});

describe.concurrent('determinism across processes', () => {
  it('the same command twice prints the same human output, byte for byte', async () => {
    for (const args of [
      ['--mode', 'at-least-once', '--seed', '42'],
      ['--mode', 'at-most-once', '--seed', '9', '--faults', 'chaos', '--messages', '80'],
      // A transactional broker cluster: coordinator on the controller, markers waiting for leaders.
      ['--mode', 'exactly-once', '--seed', '22', '--faults', 'chaos', '--nodes', '3', '--transactions', 'true', '--isolation-level', 'read_committed'],
    ]) {
      const [first, second] = await Promise.all([runCli(args), runCli(args)]);
      expect(first.status).toBe(second.status);
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout).toMatch(/trace hash [0-9a-f]{16}/);
    }
  });

  it('the same seed gives the same trace hash, other seeds and modes other hashes', async () => {
    const hashOf = async (args: string[]): Promise<string> => (JSON.parse((await runCli([...args, '--json'])).stdout) as RunJson).traceHash;
    const [a, b, c, d] = await Promise.all([
      hashOf(['--seed', '100']),
      hashOf(['--seed', '100']),
      hashOf(['--seed', '101']),
      hashOf(['--seed', '100', '--mode', 'exactly-once']),
    ]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });
});

describe.concurrent('colour', () => {
  it('is on when the terminal supports it (FORCE_COLOR)', async () => {
    const run = await runCli(['--seed', '42'], { env: { FORCE_COLOR: '1' } });
    expect(run.stdout).toMatch(ANSI);
  });

  it('NO_COLOR turns it off, even when colour is forced', async () => {
    const run = await runCli(['--seed', '42'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('--no-color turns it off, even when colour is forced', async () => {
    const run = await runCli([...VIOLATING, '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).toContain('VIOLATED');
  });

  it('error lines carry no colour either', async () => {
    const run = await runCli(['--acks', '7'], { env: { FORCE_COLOR: '1' } });
    expect(run.stderr).not.toMatch(ANSI);
  });
});

describe.concurrent('list, --help, --version', () => {
  it('list prints modes, scenarios, fault rates, fault kinds and settings, and exits 0', async () => {
    const run = await runCli(['list']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const heading of ['modes:', 'scenarios', 'topologies', 'fault rates', 'fault presets:', 'fault kinds', 'settings']) expect(run.stdout).toContain(heading);
    for (const name of ['at-most-once', 'exactly-once', 'lost-ack-retry', 'dedup-outside-transaction', 'ack-loss', 'leader-failover', '--max-in-flight', '--dedup']) expect(run.stdout).toContain(name);
  });

  it('--help describes every option and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const option of ['--mode', '--seed', '--faults', '--scenario', '--json', '--trace', '--no-color', '--acks', '--idempotence', '--commit']) expect(run.stdout).toContain(option);
    // Subcommands are loaded lazily (start-up time); help must still list every one of them.
    for (const command of ['list', 'check', 'shrink', 'compare']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('a subcommand is found after options, and a command name given as an option value stays a value', async () => {
    const help = await runCli(['check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: simulate check');
    const compare = await runCli(['--no-color', 'compare', '--seed', '2', '--messages', '6']);
    expect(compare.status).toBe(0);
    expect(compare.stdout).toContain('exactly-once');
    const dir = freshDir();
    const traced = await runCli(['--seed', '4', '--trace', 'list', '--json'], { cwd: dir });
    expect(traced.status).toBe(0);
    expect(JSON.parse(traced.stdout)).toMatchObject({ seed: 4 });
    expect(readFileSync(join(dir, 'list'), 'utf8')).toContain('"kind":"heal"');
  });

  it('--version prints the package version and exits 0', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(manifest.version);
    }
  });
});

describe.concurrent('tables line up whatever their cells hold', () => {
  it('a wide observed cell ("1 (1 acknowledged)") moves the status column for every row', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--scenario', 'leader-failover-acks-1', '--no-color']);
    const lines = run.stdout.split('\n').filter((line) => /^(invariant|loss|duplicates|order|liveness) /.test(line));
    const column = lines[0].indexOf('status');
    expect(lines).toHaveLength(5);
    for (const line of lines.slice(1)) expect(line.slice(column - 2, column), line).toBe('  ');
    for (const line of lines.slice(1)) expect(line[column], line).toMatch(/\S/);
    expect(lines[1]).toMatch(/^loss {8}yes {7}1 \(1 acknowledged\) {2}VIOLATED$/);
  });

  it('the sweep and compare tables: every row starts its cells where the header starts its headings', async () => {
    const sweep = await runCli(['sweep', '--mode', 'at-most-once', '--seeds', '12', '--no-color']);
    const compare = await runCli(['compare', '--seed', '3', '--messages', '12', '--no-color']);
    for (const [output, headings] of [
      [sweep.stdout, ['promised', 'seeds broken', 'status', 'first seeds']],
      [compare.stdout, ['at-most-once', 'at-least-once', 'exactly-once']],
    ] as const) {
      const lines = output.split('\n');
      const header = lines.findIndex((line) => line.startsWith('invariant '));
      const rows = lines.slice(header + 1).filter((line) => /^(loss|duplicates|order|liveness) /.test(line));
      expect(rows).toHaveLength(4);
      for (const heading of headings) {
        const column = lines[header].indexOf(heading);
        // A row whose last cells are empty ends early (no trailing blanks); the others have their cell right there.
        for (const row of rows.filter((item) => item.length > column)) {
          expect(row.slice(column - 2, column), `${heading}: ${row}`).toBe('  ');
          expect(row[column], `${heading}: ${row}`).toMatch(/\S/);
        }
      }
    }
  });
});
