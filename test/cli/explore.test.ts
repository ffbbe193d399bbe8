/**
 * `simulate explore` as a user runs it: the same counts from every process, an honest stop at --max-runs, exit codes
 * as for check, replay commands that reproduce the break, corpus files the suite's format accepts, and a report.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODE_NAMES, parsePlan, resolveConfig, runPlan } from '../../index.js';
import type { DeliverySettings, FaultPlan, WorkloadSettings } from '../../index.js';
import { expectOneLineError, requireBuiltCli, runCli, withoutInvocation } from '../helpers/cli.js';

const WORLD = ['--messages', '3', '--partitions', '1'];
let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-explore-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exploreJson(args: readonly string[]): Promise<{ status: number | null; json: Record<string, unknown> }> {
  const run = await runCli(['explore', ...args, '--json']);
  expect(run.stderr).toBe('');
  return { status: run.status, json: JSON.parse(run.stdout) as Record<string, unknown> };
}

function withoutWallTime(json: Record<string, unknown>): Record<string, unknown> {
  return { ...json, stats: { ...(json.stats as object), wallMs: 0 } };
}

describe('simulate explore', () => {
  it('gives the same plans, points, breaks and coverage in every process', async () => {
    const args = ['--mode', 'at-least-once', '--max-faults', '1', ...WORLD];
    const [first, second] = await Promise.all([exploreJson(args), exploreJson(args)]);
    expect(withoutWallTime(first.json)).toEqual(withoutWallTime(second.json));
    expect(first.json).toMatchObject({ exhaustive: true, stoppedBy: null });
    expect(first.status).toBe(0);
  });

  it('says when --max-runs stopped it, and is then not exhaustive', async () => {
    const run = await runCli(['explore', '--mode', 'exactly-once', '--max-faults', '2', '--max-runs', '40', ...WORLD, '--no-color']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('NOT exhaustive: stopped by --max-runs after 40 plans');
    expect(run.stdout).not.toContain('exhaustive for K=2');
    const { json } = await exploreJson(['--mode', 'exactly-once', '--max-faults', '2', '--max-runs', '40', ...WORLD]);
    expect(json).toMatchObject({ exhaustive: false, stoppedBy: 'max-runs', plansRun: 40 });
    const timed = await exploreJson(['--mode', 'exactly-once', '--max-faults', '3', '--max-time-s', '0.05', ...WORLD]);
    expect(timed.json).toMatchObject({ exhaustive: false, stoppedBy: 'time' });
  });

  it('exits 1 on a promised break, whose replay command reproduces it exactly', async () => {
    const { status, json } = await exploreJson(['--mode', 'at-least-once', '--acks', '1', '--max-faults', '1', ...WORLD]);
    expect(status).toBe(1);
    const breaks = json.breaks as { invariant: string; promised: boolean; replay: string; traceHash: string; plan: FaultPlan }[];
    const violation = breaks.find((found) => found.promised);
    expect(violation).toMatchObject({ invariant: 'loss', plan: { faults: [{ kind: 'leader-failover' }] } });
    const replay = await runCli([...splitReplay(withoutInvocation(violation?.replay ?? '')), '--json']);
    expect(replay.status).toBe(1);
    expect((JSON.parse(replay.stdout) as { traceHash: string }).traceHash).toBe(violation?.traceHash);
  });

  it('--workers 2 gives byte for byte the --workers 1 JSON, text, report and corpus (wall clock aside)', async () => {
    const clock = (text: string): string => text.replace(/"wallMs": [\d.e+-]+/g, '"wallMs": 0').replace(/simulation runs in [\d.]+ s/g, 'simulation runs in 0 s');
    const worlds = [
      ['--mode', 'exactly-once', '--max-faults', '2', '--messages', '2', '--partitions', '1'],
      ['--mode', 'exactly-once', '--max-faults', '2', '--max-runs', '1200', ...WORLD],
      ['--mode', 'at-least-once', '--max-faults', '1', ...WORLD],
    ];
    for (const args of worlds) {
      const outputs = await Promise.all(
        ['1', '2'].map(async (workers) => {
          const corpus = join(dir, `corpus-${args.join('')}-w${workers}`);
          const report = join(dir, `explore-${args.join('')}-w${workers}.md`);
          const [json, text] = await Promise.all([runCli(['explore', ...args, '--workers', workers, '--json']), runCli(['explore', ...args, '--workers', workers, '--no-color', '--emit-corpus', corpus, '--report', report])]);
          const files = existsSync(corpus) ? readdirSync(corpus).sort() : [];
          return { json: clock(json.stdout), text: clock(text.stdout).replaceAll(corpus, 'corpus').replaceAll(report, 'explore.md'), status: [json.status, text.status], report: readFileSync(report, 'utf8').replaceAll(report, 'explore.md'), corpus: files.map((file) => [file, readFileSync(join(corpus, file), 'utf8')]) };
        }),
      );
      expect(outputs[1], args.join(' ')).toEqual(outputs[0]);
      expect(outputs[0].json).toContain('"plansRun"');
    }
    // The at-least-once world's duplicates reach the corpus (every cause, none promised), the same from both.
    expect(readdirSync(join(dir, `corpus-${worlds[2].join('')}-w2`)).length).toBeGreaterThan(3);
  }, 180_000);

  it('with --handler, refuses --workers other than 1 with one line', async () => {
    const run = await runCli(['explore', '--mode', 'exactly-once', '--handler', 'examples/handlers/naive-increment.mjs', '--workers', '2', ...WORLD]);
    expectOneLineError(run, ['--handler', '--workers']);
  });

  it('refuses bad input with one line and exit 2', async () => {
    for (const args of [['--max-faults', 'two'], ['--max-runs', '0'], ['--workers', '0'], ['--faults', 'chaos'], ['--kinds', 'ack-lots'], ['--max-time-s', '-1'], ['--messages', '10001', '--max-runs', '5']]) {
      const run = await runCli(['explore', '--mode', 'exactly-once', ...args]);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--emit-corpus writes files in the corpus format whose expectations replay, and --report a markdown report', async () => {
    const corpus = join(dir, 'corpus');
    const report = join(dir, 'explore.md');
    const run = await runCli(['explore', '--mode', 'exactly-once', '--dedup', 'separate-transaction', '--commit', 'after-process', '--max-faults', '1', ...WORLD, '--emit-corpus', corpus, '--report', report]);
    expect(run.status).toBe(1);
    const files = readdirSync(corpus).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const entry = JSON.parse(readFileSync(join(corpus, file), 'utf8')) as { name: string; seed: number; workload: Partial<WorkloadSettings>; settings: Partial<DeliverySettings>; flags: string; plan: FaultPlan; expected: Record<string, Record<string, unknown>> };
      expect(`${entry.name}.json`).toBe(file);
      expect(parsePlan(entry.plan)).toEqual(entry.plan);
      expect(entry.flags).toContain('--dedup separate-transaction');
      for (const mode of MODE_NAMES) {
        const result = runPlan(resolveConfig({ mode, seed: entry.seed, workload: entry.workload, settings: entry.settings }), entry.plan);
        const statuses = Object.fromEntries(INVARIANT_NAMES.map((name) => [name, result.invariants[name].status]));
        expect({ ...statuses, faultsFired: entry.plan.faults.length - result.unusedPlanFaults.length }).toEqual(entry.expected[mode]);
      }
      expect(Object.values(entry.expected['exactly-once'])).toContain('VIOLATED');
    }
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toContain('# explore · exactly-once · seed 1 · K=1');
    expect(markdown).toContain('VIOLATED');
    expect(markdown).toContain('consumer crash between the DB commit and the offset commit');
  });
});

/** A printed replay command's arguments (single-quoted inline plans hold no quote of their own). */
function splitReplay(command: string): string[] {
  const args: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|(\S+)/g)) args.push(match[1] ?? match[2]);
  return args;
}
