/**
 * The built CLI, end to end, for fault plans and the search commands: `--emit-plan` / `--plan` round trips,
 * one-line errors for bad plan files (exit 2), and `check`, `shrink` and `compare` with their exit codes,
 * JSON output, emitted plan files, and printed replay commands that reproduce what they claim.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlanText } from '../../index.js';
import { CLI_INVOCATION, requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';
import { shellWords } from '../helpers/shell-words.js';
import type { CliRun } from '../helpers/cli.js';

let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-plans-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => join(dir, name);

/** Run a printed replay command (`simulate ...`) with --json; returns the parsed output. */
async function replay(command: string): Promise<{ traceHash: string; invariants: Record<string, { status: string }>; verdict: string }> {
  const args = shellWords(withoutInvocation(command));
  const run = await runCli([...args, '--json']);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { traceHash: string; invariants: Record<string, { status: string }>; verdict: string };
}

function json<T = Record<string, unknown>>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

function expectUsageError(run: CliRun, pattern: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('simulate --emit-plan / --plan', () => {
  it('replaying an emitted plan gives the same traceHash, for every mode', async () => {
    for (const mode of ['at-most-once', 'at-least-once', 'exactly-once']) {
      for (const seed of [42, 7]) {
        const plan = file(`${mode}-${seed}.json`);
        const recorded = await runCli(['--mode', mode, '--seed', String(seed), '--faults', 'chaos', '--json', '--emit-plan', plan]);
        const replayed = await runCli(['--mode', mode, '--seed', String(seed), '--json', '--plan', plan]);
        expect(replayed.stderr).toBe('');
        expect(json(replayed).traceHash).toBe(json(recorded).traceHash);
        const parsed = parsePlanText(readFileSync(plan, 'utf8'));
        expect(parsed.faults).toEqual(json<{ plan: { faults: unknown[] } }>(recorded).plan.faults);
        expect(parsed.meta).toMatchObject({ origin: 'simulate --emit-plan', mode, seed, replay: `${CLI_INVOCATION} --mode ${mode} --seed ${seed} --plan ${plan}` });
      }
    }
  });

  it('bad plan files get one line naming the problem, exit 2', async () => {
    writeFileSync(file('not-json.json'), '{"version": 1, "faults": [');
    writeFileSync(file('bad-attempt.json'), JSON.stringify({ version: 1, faults: [{ kind: 'ack-lost', message: 'm3', attempt: 1 }, { kind: 'request-lost', message: 'm1', attempt: 1 }, { kind: 'ack-lost', message: 'm4', attempt: 0 }] }));
    writeFileSync(file('bad-kind.json'), JSON.stringify({ version: 1, faults: [{ kind: 'ack-dropped', message: 'm3', attempt: 1 }] }));
    writeFileSync(file('bad-version.json'), JSON.stringify({ version: 3, faults: [] }));
    expectUsageError(await runCli(['--plan', file('missing.json')]), /^simulate: cannot read --plan ".*missing.json": no such file$/m);
    expectUsageError(await runCli(['--plan', file('not-json.json')]), /invalid --plan ".*not-json.json": not valid JSON/);
    expectUsageError(await runCli(['--plan', file('bad-attempt.json')]), /invalid --plan ".*bad-attempt.json": fault #3 \(ack-lost\): "attempt" must be an integer >= 1; got 0/);
    expectUsageError(await runCli(['--plan', file('bad-kind.json')]), /fault #1: "kind" got "ack-dropped"; must be one of request-lost, /);
    expectUsageError(await runCli(['--plan', file('bad-version.json')]), /"version" must be 1; got 3/);
    expectUsageError(await runCli(['--plan', dir]), /cannot read --plan .*: it is a directory/);
    expectUsageError(await runCli(['--plan', file('bad-kind.json'), '--faults', 'chaos']), /--plan and --faults both given/);
    expectUsageError(await runCli(['--plan', '{"version":1,"faults":[{"kind":"leader-failover"}]}']), /invalid --plan \(inline\): fault #1 \(leader-failover\): "message" must be a message id/);
  });

  it('refuses to overwrite an existing plan file without --force', async () => {
    const plan = file('exists.json');
    writeFileSync(plan, 'keep me');
    expectUsageError(await runCli(['--seed', '1', '--emit-plan', plan]), /refusing to overwrite .*exists.json \(given as --emit-plan\); pass --force/);
    expect(readFileSync(plan, 'utf8')).toBe('keep me');
    expect((await runCli(['--seed', '1', '--emit-plan', plan, '--force'])).status).toBe(0);
    expect(parsePlanText(readFileSync(plan, 'utf8')).version).toBe(1);
  });
});

interface CheckJson {
  verdict: string;
  invariants: Record<string, { promised: boolean; found: boolean; plansTried: number; status?: string; plan?: { faults: unknown[] }; replay?: string; traceHash?: string; planFile?: string | null }>;
}

describe('simulate check', () => {
  it('at-most-once: finds a loss of at most 3 faults; its replay command reproduces it; exit 0 (not promised)', async () => {
    const plan = file('check-loss.json');
    const run = await runCli(['check', '--mode', 'at-most-once', '--invariant', 'loss', '--seed', '3', '--json', '--emit-plan', plan]);
    expect(run.status).toBe(0);
    const output = json<CheckJson>(run);
    const loss = output.invariants.loss;
    expect(loss).toMatchObject({ promised: false, found: true, status: 'broken, as expected', planFile: plan });
    expect(loss.plan?.faults.length).toBeLessThanOrEqual(3);
    expect(Object.keys(output.invariants)).toEqual(['loss']);
    expect(loss.replay).toBe(`${CLI_INVOCATION} --mode at-most-once --seed 3 --plan ${plan}`);
    const replayed = await replay(loss.replay ?? '');
    expect(replayed.traceHash).toBe(loss.traceHash);
    expect(replayed.invariants.loss.status).toBe('broken, as expected');
    expect(parsePlanText(readFileSync(plan, 'utf8'))).toMatchObject({ meta: { origin: 'simulate check', invariant: 'loss', mode: 'at-most-once', seed: 3 }, faults: loss.plan?.faults });
  });

  it('at-least-once: every invariant in turn; duplicates found and shrunk; the inline replay reproduces it', async () => {
    const run = await runCli(['check', '--mode', 'at-least-once', '--messages', '8', '--runs', '300', '--json']);
    expect(run.status).toBe(0);
    const output = json<CheckJson>(run);
    expect(Object.keys(output.invariants)).toEqual(['loss', 'duplicates', 'order', 'liveness']);
    expect(output.invariants.loss).toMatchObject({ promised: true, found: false, plansTried: 300 });
    const duplicates = output.invariants.duplicates;
    expect(duplicates).toMatchObject({ promised: false, found: true, status: 'broken, as expected' });
    expect(duplicates.plan?.faults.length).toBeLessThanOrEqual(3);
    expect(withoutInvocation(duplicates.replay ?? '')).toMatch(/^--mode at-least-once --seed 1 --messages 8 --plan '\{"version":1,"faults":\[.*\]\}'$/);
    const replayed = await replay(duplicates.replay ?? '');
    expect(replayed.traceHash).toBe(duplicates.traceHash);
    expect(replayed.invariants.duplicates.status).toBe('broken, as expected');
  });

  it('exactly-once: finds nothing over a long search, exit 0', async () => {
    const run = await runCli(['check', '--mode', 'exactly-once', '--runs', '3000', '--seed', '9', '--no-color']);
    expect(run.status).toBe(0);
    for (const name of ['loss', 'duplicates', 'order', 'liveness']) expect(run.stdout).toMatch(new RegExp(`^${name} +yes +holds over 3000 generated plans$`, 'm'));
    expect(run.stdout).toMatch(/^verdict: ok — no generated plan broke any invariant \(exit 0\)$/m);
  });

  it('a weakened exactly-once (acks=1) breaks a promise: VIOLATED, exit 1, printed in words with its replay', async () => {
    const run = await runCli(['check', '--mode', 'exactly-once', '--acks', '1', '--idempotence', 'false', '--invariant', 'loss', '--kinds', 'leader-failover,ack-lost', '--no-color']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^loss · VIOLATED \(exactly-once promises no loss\)$/m);
    expect(run.stdout).toMatch(/^ {4}1\. the leader of m\d+'s partition fails right after appending m\d+$/m);
    expect(run.stdout).toContain(`): ${CLI_INVOCATION} --mode exactly-once --seed 1 --acks 1 --idempotence false --plan '`);
    expect(run.stdout).toMatch(/^ {2}replay \(trace hash [0-9a-f]{16}\): .*--mode exactly-once --seed 1 --acks 1 --idempotence false --plan '/m);
    expect(run.stdout).toMatch(/^verdict: VIOLATED — loss broke although exactly-once promises it \(exit 1\)$/m);
  });

  it('rejects bad input with one line, exit 2', async () => {
    expectUsageError(await runCli(['check']), /missing --mode/);
    expectUsageError(await runCli(['check', '--mode', 'at-least-once', '--invariant', 'speed']), /invalid --invariant "speed": expected one of loss, duplicates, order, liveness/);
    expectUsageError(await runCli(['check', '--mode', 'at-least-once', '--runs', '0']), /invalid --runs "0"/);
    expectUsageError(await runCli(['check', '--mode', 'at-least-once', '--kinds', 'ack-lost,gremlins']), /invalid --kinds .*unknown kind "gremlins"/);
    expectUsageError(await runCli(['check', '--mode', 'at-least-once', '--faults', 'chaos']), /check generates its own fault plans; --faults does not apply/);
    expectUsageError(await runCli(['check', '--mode', 'at-least-once', '--plan', 'x.json']), /unknown option '--plan'/);
  });
});

interface ShrinkJson {
  verdict: string;
  nothingToShrink: string | null;
  original: { plan: { faults: unknown[] }; traceHash: string };
  findings: { invariant: string; status: string; plan: { faults: unknown[] }; originalFaults: number; replay: string; traceHash: string; planFile: string | null }[];
}

describe('simulate shrink', () => {
  it("shrinks a seeded run's recorded faults per broken invariant; each replay reproduces its break", async () => {
    const run = await runCli(['shrink', '--mode', 'at-least-once', '--seed', '42', '--json']);
    expect(run.status).toBe(0);
    const output = json<ShrinkJson>(run);
    expect(output.findings.map((finding) => finding.invariant)).toEqual(['duplicates', 'order']);
    for (const finding of output.findings) {
      expect(finding.originalFaults).toBe(output.original.plan.faults.length);
      expect(finding.plan.faults.length).toBeLessThanOrEqual(3);
      const replayed = await replay(finding.replay);
      expect(replayed.traceHash).toBe(finding.traceHash);
      expect(replayed.invariants[finding.invariant].status).toBe(finding.status);
    }
  });

  it('takes a --plan file, keeps to --invariant, and emits the minimal plan', async () => {
    const recorded = file('shrink-input.json');
    const minimal = file('shrink-min.json');
    await runCli(['--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--emit-plan', recorded]);
    const run = await runCli(['shrink', '--mode', 'at-least-once', '--seed', '3', '--plan', recorded, '--invariant', 'duplicates', '--emit-plan', minimal, '--json']);
    expect(run.status).toBe(0);
    const output = json<ShrinkJson>(run);
    expect(output.findings).toHaveLength(1);
    expect(output.findings[0]).toMatchObject({ invariant: 'duplicates', planFile: minimal, replay: `${CLI_INVOCATION} --mode at-least-once --seed 3 --plan ${minimal}` });
    const replayed = await replay(output.findings[0].replay);
    expect(replayed.traceHash).toBe(output.findings[0].traceHash);
    expect(parsePlanText(readFileSync(minimal, 'utf8')).faults).toEqual(output.findings[0].plan.faults);
  });

  it('a run that broke nothing has nothing to shrink (exit 0); a violation exits 1', async () => {
    const quiet = await runCli(['shrink', '--mode', 'exactly-once', '--seed', '1', '--json']);
    expect(quiet.status).toBe(0);
    expect(json<ShrinkJson>(quiet)).toMatchObject({ nothingToShrink: 'no invariant broke in this run', findings: [], verdict: 'ok' });
    const violated = await runCli(['shrink', '--mode', 'exactly-once', '--seed', '3', '--faults', 'chaos', '--acks', '1', '--idempotence', 'false', '--no-color']);
    expect(violated.status).toBe(1);
    expect(violated.stdout).toMatch(/^verdict: VIOLATED — .* although exactly-once promises/m);
  });

  it('needs a seed or a plan, and a valid invariant', async () => {
    expectUsageError(await runCli(['shrink', '--mode', 'at-least-once']), /shrink needs a failing run: give --seed <n>/);
    expectUsageError(await runCli(['shrink', '--seed', '1']), /missing --mode/);
    expectUsageError(await runCli(['shrink', '--mode', 'at-least-once', '--seed', '1', '--invariant', 'x']), /invalid --invariant "x"/);
  });
});

interface CompareJson {
  verdict: string;
  faultsFrom: { mode: string };
  plan: { faults: unknown[] };
  modes: Record<string, { invariants: Record<string, { promised: boolean; status: string }>; traceHash: string; replay: string; faultsFired: number; verdict: string }>;
}

describe('simulate compare', () => {
  it('runs the same faults under every mode; the --mode column is the seeded run itself', async () => {
    const run = await runCli(['compare', '--seed', '42', '--json']);
    expect(run.status).toBe(0);
    const output = json<CompareJson>(run);
    expect(Object.keys(output.modes)).toEqual(['at-most-once', 'at-least-once', 'exactly-once']);
    expect(output.faultsFrom.mode).toBe('at-least-once');
    const seeded = json<{ traceHash: string }>(await runCli(['--mode', 'at-least-once', '--seed', '42', '--json']));
    expect(output.modes['at-least-once'].traceHash).toBe(seeded.traceHash);
    expect(output.modes['at-least-once'].faultsFired).toBe(output.plan.faults.length);
    for (const [mode, column] of Object.entries(output.modes)) {
      expect(column.verdict).toBe('ok');
      const replayed = await replay(column.replay);
      expect(replayed.traceHash, mode).toBe(column.traceHash);
    }
  });

  it('prints one table of invariants x modes for a plan file, exit 1 when a mode breaks a promise', async () => {
    const plan = file('failover.json');
    writeFileSync(plan, JSON.stringify({ version: 1, faults: [{ kind: 'leader-failover', message: 'm1' }] }));
    const run = await runCli(['compare', '--plan', plan, '--acks', '1', '--idempotence', 'false', '--messages', '6', '--no-color']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^invariant +at-most-once +at-least-once +exactly-once$/m);
    expect(run.stdout).toMatch(/^loss +broken, as expected \(\d+\) +VIOLATED \(1\) \* +VIOLATED \(1\) \*$/m);
    expect(run.stdout).toMatch(/^faults fired +1 of 1 +1 of 1 +1 of 1$/m);
    expect(run.stdout).toMatch(/^verdict: VIOLATED — at-least-once, exactly-once broke a promised invariant \(exit 1\)$/m);
  });

  it('names the mode when a setting is invalid under one of them', async () => {
    expectUsageError(await runCli(['compare', '--seed', '1', '--acks', '1']), /^simulate: under --mode exactly-once: invalid --acks 1: expected all with enable.idempotence=true/);
  });
});
