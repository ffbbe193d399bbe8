/**
 * The built CLI with topologies (producers, groups, members, membership, assignor) and failing handlers
 * (processing errors, the failure policy): every new flag and plan field refused with one line and exit 2,
 * and the good cases end to end (--json groups, parked records, per-member work, scenarios, --trace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

beforeAll(requireBuiltCli);

const freshDir = tempDirs('simulate-topology-');

/** [arguments, fragments the one stderr line must contain]. */
const BAD_FLAGS: [string[], string[]][] = [
  // failure policy
  [['--on-error', 'explode'], ['--on-error', '"explode"', 'retry, skip, dead-letter']],
  [['--on-error', ''], ['--on-error', '""']],
  [['--on-error', 'DEAD-LETTER'], ['--on-error', '"DEAD-LETTER"']],
  [['--processing-retries', '-1'], ['--processing-retries', '"-1"', 'unlimited']],
  [['--processing-retries', 'x'], ['--processing-retries', '"x"']],
  [['--processing-retries', '1.5'], ['--processing-retries', '"1.5"']],
  [['--processing-retries', '1001'], ['--processing-retries', '"1001"']],
  [['--processing-retries', 'forever'], ['--processing-retries', '"forever"']],
  [['--processing-backoff-ms', '-1'], ['--processing-backoff-ms', '"-1"']],
  [['--processing-backoff-ms', 'abc'], ['--processing-backoff-ms', '"abc"']],
  [['--processing-backoff-ms', '60001'], ['--processing-backoff-ms', '"60001"']],
  [['--processing-backoff-max-ms', 'x'], ['--processing-backoff-max-ms', '"x"']],
  [['--processing-backoff-max-ms', '1', '--processing-backoff-ms', '5'], ['--processing-backoff-max-ms', '1', 'from 5 to 60000']],
  [['--processing-backoff-jitter', '1.5'], ['--processing-backoff-jitter', '"1.5"', 'from 0 to 1']],
  [['--processing-backoff-jitter', '-0.1'], ['--processing-backoff-jitter', '"-0.1"']],
  [['--processing-backoff-jitter', 'some'], ['--processing-backoff-jitter', '"some"']],
  // topology
  [['--producers', '0'], ['--producers', '"0"', 'from 1 to 16']],
  [['--producers', '-2'], ['--producers', '"-2"']],
  [['--producers', '17'], ['--producers', '"17"']],
  [['--producers', 'x'], ['--producers', '"x"']],
  [['--groups', '0'], ['--groups', '"0"', 'from 1 to 8']],
  [['--groups', '-1'], ['--groups', '"-1"']],
  [['--groups', '9'], ['--groups', '"9"']],
  [['--groups', '1.5'], ['--groups', '"1.5"']],
  [['--consumers', '0'], ['--consumers', '"0"', 'from 1 to 32']],
  [['--consumers', '-3'], ['--consumers', '"-3"']],
  [['--consumers', 'two'], ['--consumers', '"two"']],
  [['--consumers', '33'], ['--consumers', '"33"']],
  // workload
  [['--burst', '-1'], ['--burst', '"-1"']],
  [['--burst', 'x'], ['--burst', '"x"']],
  [['--burst', '50', '--messages', '10'], ['--burst', '50', 'from 0 to 10']],
  [['--burst', '41'], ['--burst', '41', 'from 0 to 40']],
  // group membership and coordination
  [['--assignor', 'sticky'], ['--assignor', '"sticky"', 'range, round-robin']],
  [['--membership', 'x'], ['--membership', '"x"', 'static, dynamic']],
  [['--session-timeout-ms', '0'], ['--session-timeout-ms', '"0"']],
  [['--session-timeout-ms', '-5'], ['--session-timeout-ms', '"-5"']],
  [['--session-timeout-ms', 'x'], ['--session-timeout-ms', '"x"']],
  [['--heartbeat-interval-ms', '0'], ['--heartbeat-interval-ms', '"0"']],
  [['--heartbeat-interval-ms', 'x'], ['--heartbeat-interval-ms', '"x"']],
  [['--heartbeat-interval-ms', '50', '--session-timeout-ms', '10'], ['--heartbeat-interval-ms', '50', 'to 10']],
  [['--max-poll-interval-ms', '0'], ['--max-poll-interval-ms', '"0"']],
  [['--max-poll-interval-ms', 'x'], ['--max-poll-interval-ms', '"x"']],
  [['--initial-rebalance-delay-ms', '-1'], ['--initial-rebalance-delay-ms', '"-1"']],
  [['--initial-rebalance-delay-ms', 'x'], ['--initial-rebalance-delay-ms', '"x"']],
  // limits
  [['--progress-timeout-ms', '0'], ['--progress-timeout-ms', '"0"']],
  [['--progress-timeout-ms', '-1'], ['--progress-timeout-ms', '"-1"']],
  [['--progress-timeout-ms', 'x'], ['--progress-timeout-ms', '"x"']],
  // a missing value
  [['--on-error'], ["'--on-error <value>' argument missing"]],
];

describe.concurrent('bad flags: one line naming the flag, exit 2', () => {
  for (const [args, fragments] of BAD_FLAGS) {
    it(`simulate ${args.map((arg) => (arg === '' ? "''" : arg)).join(' ')}`, async () => {
      expectOneLineError(await runCli(args), fragments);
    });
  }
});

const plan = (...faults: object[]): string => JSON.stringify({ version: 1, faults });
const crash = { kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-fetch' };
const poison = { kind: 'processing-error', message: 'm3', deliveries: 'always' };

/** [extra arguments, plan, fragments the one stderr line must contain]. */
const BAD_PLANS: [string[], string, string[]][] = [
  [[], plan({ ...crash, consumer: 'g3/c1' }), ['--plan', 'fault #1', 'consumer-crash', 'g3/c1', 'its consumers: g1/c1']],
  [['--groups', '2'], plan({ ...crash, consumer: 'g3/c1' }), ['--plan', 'g3/c1', 'its consumers: g1/c1, g2/c1']],
  [[], plan({ ...crash, consumer: 'g1/c9' }), ['--plan', 'fault #1', 'g1/c9']],
  [['--consumers', '3'], plan({ ...crash, consumer: 'g1/c9' }), ['--plan', 'g1/c9', 'g1/c1, g1/c2, g1/c3']],
  [[], plan({ kind: 'db-reply-lost', message: 'm3', attempt: 1, consumer: 'g1/c2' }), ['--plan', 'db-reply-lost', 'g1/c2']],
  [[], plan({ kind: 'partition', link: 'producer-broker', fromMs: 1, durationMs: 5, producer: 'p2' }), ['--plan', 'p2', 'its producers: p1']],
  [['--consumers', '2'], plan({ kind: 'partition', link: 'consumer-broker', fromMs: 1, durationMs: 5, producer: 'p1' }), ['--plan', 'fault #1', '"producer" does not apply to the consumer-broker link']],
  [['--consumers', '2'], plan({ kind: 'partition', link: 'consumer-db', fromMs: 1, durationMs: 5, producer: 'p1' }), ['--plan', '"producer" does not apply to the consumer-db link']],
  [['--producers', '2'], plan({ kind: 'partition', link: 'producer-broker', fromMs: 1, durationMs: 5, consumer: 'g1/c1' }), ['--plan', '"consumer" does not apply to the producer-broker link']],
  [[], plan({ ...poison, deliveries: 0 }), ['--plan', 'processing-error', '"deliveries"', 'got 0']],
  [[], plan({ ...poison, deliveries: 'sometimes' }), ['--plan', '"deliveries"', 'got "sometimes"']],
  [[], plan({ ...poison, deliveries: 1.5 }), ['--plan', '"deliveries"', 'got 1.5']],
  [[], plan({ ...poison, deliveries: -1 }), ['--plan', '"deliveries"']],
  [[], plan({ kind: 'processing-error', message: 'm3' }), ['--plan', '"deliveries"', 'missing']],
  [[], plan({ ...poison, group: 'x' }), ['--plan', 'processing-error', '"group"', 'got "x"']],
  [[], plan({ ...poison, group: 'g2' }), ['--plan', '"group"', 'g2', 'its groups: g1']],
  [['--groups', '2'], plan({ ...poison, group: 'g3' }), ['--plan', 'g3', 'its groups: g1, g2']],
  [[], plan({ ...poison, consumers: 2 }), ['--plan', 'processing-error', 'unknown field "consumers"']],
  [[], plan({ ...poison, consumer: 'g1/c1' }), ['--plan', 'unknown field "consumer"']],
];

describe.concurrent('bad plan fields: one line, exit 2', () => {
  for (const [extra, text, fragments] of BAD_PLANS) {
    it(`${extra.join(' ')} --plan ${text}`, async () => {
      expectOneLineError(await runCli([...extra, '--plan', text]), fragments);
    });
  }

  it('the same from a plan file: the file is named', async () => {
    const file = join(freshDir(), 'bad.json');
    writeFileSync(file, plan({ ...poison, deliveries: 'sometimes' }));
    expectOneLineError(await runCli(['--plan', file]), ['--plan', 'bad.json', '"deliveries"']);
  });
});

interface InvariantJson {
  promised: boolean;
  holds: boolean;
  count: number;
  status: string;
  witnesses: { msg: string; summary: string; group?: string; records: unknown[] }[];
}
type Invariants = Record<'loss' | 'duplicates' | 'order' | 'liveness', InvariantJson>;
interface ParkedJson {
  count: number;
  witnesses: { msg: string; summary: string; group?: string }[];
}
interface Lag {
  maxRecords: number;
  maxMs: number;
}
interface RunJson {
  mode: string;
  scenario: string | null;
  config: { topology: { producers: number; groups: number; consumers: number }; settings: Record<string, unknown>; limits: Record<string, unknown> };
  invariants: Invariants;
  groups: Record<string, { invariants: Invariants; parked: ParkedJson; lag: Lag }>;
  parked: ParkedJson;
  verdict: string;
  outcome: { kind: string; idleSinceUs?: number };
  stats: { events: number; virtualTimeMs: number; traceRecords: number; appliedByConsumer: Record<string, number>; lag: Lag; wallMs: number };
  traceHash: string;
}

const INVARIANTS = ['loss', 'duplicates', 'order', 'liveness'] as const;

describe.concurrent('good topologies', () => {
  it('--consumers 3 --partitions 6 --faults none: every member applies some of the work', async () => {
    const run = await runCli(['--consumers', '3', '--partitions', '6', '--faults', 'none', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.config.topology).toEqual({ producers: 1, groups: 1, consumers: 3 });
    expect(Object.keys(json.stats.appliedByConsumer)).toEqual(['g1/c1', 'g1/c2', 'g1/c3']);
    for (const [member, applied] of Object.entries(json.stats.appliedByConsumer)) expect(applied, member).toBeGreaterThan(0);
    // No faults: every message applied exactly once between them.
    expect(Object.values(json.stats.appliedByConsumer).reduce((sum, applied) => sum + applied, 0)).toBe(40);
    for (const name of INVARIANTS) expect(json.invariants[name].status, name).toBe('holds');
    expect(json.parked).toEqual({ count: 0, witnesses: [] });
    expect(json.verdict).toBe('ok');
    expect(json.outcome).toEqual({ kind: 'quiescent' });
    expect(json.stats.lag.maxRecords).toBeGreaterThan(0);
    expect(json.stats.lag.maxMs).toBeGreaterThan(0);
  });

  it('--groups 2 --json: groups.g1 and groups.g2, each with invariants shaped like the run, parked and lag', async () => {
    const run = await runCli(['--groups', '2', '--seed', '3', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(Object.keys(json.groups)).toEqual(['g1', 'g2']);
    expect(Object.keys(json.stats.appliedByConsumer)).toEqual(['g1/c1', 'g2/c1']);
    for (const group of ['g1', 'g2']) {
      const own = json.groups[group];
      expect(Object.keys(own).sort()).toEqual(['invariants', 'lag', 'parked']);
      expect(Object.keys(own.invariants)).toEqual(Object.keys(json.invariants));
      for (const name of INVARIANTS) {
        expect(Object.keys(own.invariants[name]).sort(), `${group} ${name}`).toEqual(Object.keys(json.invariants[name]).sort());
        expect(own.invariants[name].promised).toBe(json.invariants[name].promised);
        expect(own.invariants[name].holds).toBe(own.invariants[name].count === 0);
        for (const witness of own.invariants[name].witnesses) if (name !== 'liveness') expect(witness.group).toBe(group);
      }
      expect(own.parked).toEqual({ count: 0, witnesses: [] });
      expect(typeof own.lag.maxRecords).toBe('number');
      expect(typeof own.lag.maxMs).toBe('number');
    }
    // The run sums the groups.
    for (const name of ['loss', 'duplicates', 'order'] as const) expect(json.invariants[name].count).toBe(json.groups.g1.invariants[name].count + json.groups.g2.invariants[name].count);
    expect(json.stats.lag.maxRecords).toBe(Math.max(json.groups.g1.lag.maxRecords, json.groups.g2.lag.maxRecords));
    expect(json.stats.lag.maxMs).toBe(Math.max(json.groups.g1.lag.maxMs, json.groups.g2.lag.maxMs));
  });

  it('--producers 3 --groups 2 --consumers 2 runs and names every member', async () => {
    const run = await runCli(['--producers', '3', '--groups', '2', '--consumers', '2', '--partitions', '4', '--faults', 'none', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.config.topology).toEqual({ producers: 3, groups: 2, consumers: 2 });
    expect(Object.keys(json.stats.appliedByConsumer)).toEqual(['g1/c1', 'g1/c2', 'g2/c1', 'g2/c2']);
    const perGroup = (group: string): number =>
      Object.entries(json.stats.appliedByConsumer)
        .filter(([member]) => member.startsWith(`${group}/`))
        .reduce((sum, [, applied]) => sum + applied, 0);
    expect(perGroup('g1')).toBe(40);
    expect(perGroup('g2')).toBe(40);
    expect(json.verdict).toBe('ok');
  });

  it('a processing error planned for g2 in a two-group world: only g2 parks it', async () => {
    const run = await runCli(['--groups', '2', '--messages', '6', '--keys', '2', '--partitions', '1', '--plan', plan({ ...poison, group: 'g2' }), '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.groups.g1.parked.count).toBe(0);
    expect(json.groups.g2.parked.count).toBe(1);
    expect(json.groups.g2.parked.witnesses[0]).toMatchObject({ msg: 'm3', group: 'g2' });
    expect(json.parked.count).toBe(1);
    expect(json.verdict).toBe('ok');
  });

  it('--processing-retries unlimited is accepted (and, with a poison message, stalls: exit 1)', async () => {
    const run = await runCli(['--scenario', 'poison-message-dead-letter', '--processing-retries', 'unlimited', '--progress-timeout-ms', '200', '--json']);
    expect(run.status, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.config.settings.processingRetries).toBe('unlimited');
    expect(json.config.limits.progressTimeoutMs).toBe(200);
    expect(json.outcome.kind).toBe('stalled');
    expect(json.parked.count).toBe(0);
    expect(json.invariants.liveness.status).toBe('VIOLATED');
  });
});

describe.concurrent('poison-message scenarios', () => {
  it('poison-message-dead-letter: exit 0, parked 1, nothing lost', async () => {
    const run = await runCli(['--scenario', 'poison-message-dead-letter', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.scenario).toBe('poison-message-dead-letter');
    expect(json.parked.count).toBe(1);
    expect(json.parked.witnesses[0].msg).toBe('m3');
    expect(json.groups.g1.parked.count).toBe(1);
    expect(json.invariants.loss.count).toBe(0);
    expect(json.verdict).toBe('ok');
  });

  it('poison-message-skip (at-least-once): exit 1, loss VIOLATED naming m3', async () => {
    const run = await runCli(['--scenario', 'poison-message-skip', '--no-color']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^loss\s+yes\s+1\b.*VIOLATED$/m);
    expect(run.stdout).toContain('m3');
    expect(run.stdout).toContain('verdict: VIOLATED');
  });

  it('poison-message-skip --json: skipped, not parked', async () => {
    const run = await runCli(['--scenario', 'poison-message-skip', '--json']);
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.config.settings.onError).toBe('skip');
    expect(json.parked.count).toBe(0);
    expect(json.invariants.loss).toMatchObject({ promised: true, count: 1, status: 'VIOLATED' });
    expect(json.invariants.loss.witnesses[0].msg).toBe('m3');
    expect(json.verdict).toBe('violated');
  });

  it('--on-error dead-letter after poison-message-skip overrides it: exit 0', async () => {
    const run = await runCli(['--scenario', 'poison-message-skip', '--on-error', 'dead-letter', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as RunJson).parked.count).toBe(1);
  });

  it('poison-message-blocks-partition: exit 1 quickly, stalled (liveness VIOLATED), not a limit', async () => {
    const started = Date.now();
    const run = await runCli(['--scenario', 'poison-message-blocks-partition', '--json']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.status, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json.outcome.kind).toBe('stalled');
    expect(json.outcome.idleSinceUs).toBeGreaterThan(0);
    expect(json.invariants.liveness).toMatchObject({ promised: true, count: 1, status: 'VIOLATED' });
    expect(json.invariants.loss.status).toBe('VIOLATED');
    expect(json.stats.events).toBeLessThan(20_000);
    expect(json.stats.wallMs).toBeLessThan(5_000);
    expect(json.verdict).toBe('violated');
  });

  it('poison-message-blocks-partition, human output: stalled, liveness VIOLATED', async () => {
    const run = await runCli(['--scenario', 'poison-message-blocks-partition', '--no-color']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('stalled');
    expect(run.stdout).toMatch(/^liveness\s+yes\s+1\s+VIOLATED$/m);
  });
});

describe.concurrent('--trace of a poison dead-letter run', () => {
  it("has 'deliver' records with delivery 1..4 for the poison message, then the dead-letter topic", async () => {
    const file = join(freshDir(), 'poison.ndjson');
    const run = await runCli(['--scenario', 'poison-message-dead-letter', '--trace', file, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    const records = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; actor: string; kind: string; msg?: string; delivery?: number; backoffMs?: number; group?: string });
    expect(records).toHaveLength(json.stats.traceRecords);
    const delivered = records.filter((record) => record.kind === 'deliver' && record.msg === 'm3');
    expect(delivered.map((record) => record.delivery)).toEqual([1, 2, 3, 4]);
    expect(delivered.every((record) => record.actor === 'g1/c1')).toBe(true);
    expect(records.filter((record) => record.kind === 'processing-failed' && record.msg === 'm3').map((record) => record.delivery)).toEqual([1, 2, 3, 4]);
    expect(records.filter((record) => record.kind === 'processing-retry' && record.msg === 'm3').map((record) => record.backoffMs)).toEqual([1, 2, 4]);
    const appended = records.filter((record) => record.kind === 'dlt-append');
    expect(appended).toEqual([expect.objectContaining({ actor: 'broker', msg: 'm3', group: 'g1' })]);
    expect(appended[0].t).toBeGreaterThan(delivered[3].t);
    expect(records.some((record) => record.kind === 'dead-lettered' && record.msg === 'm3')).toBe(true);
  });
});

describe.concurrent('simulate list', () => {
  it('mentions processing-error and the failure-policy and topology flags', async () => {
    const run = await runCli(['list']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const name of ['processing-error', '--on-error', '--processing-retries', '--processing-backoff-ms', '--processing-backoff-max-ms', '--processing-backoff-jitter', '--producers', '--groups', '--consumers', '--burst', '--assignor', '--membership', '--progress-timeout-ms']) {
      expect(run.stdout, name).toContain(name);
    }
    for (const scenario of ['poison-message-dead-letter', 'poison-message-skip', 'poison-message-blocks-partition', 'pubsub-two-groups']) expect(run.stdout).toContain(scenario);
    expect(run.stdout).toMatch(/--on-error .*retry, skip, dead-letter/);
  });
});
