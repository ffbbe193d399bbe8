/**
 * A plan carries its world: `--emit-plan` (and check, shrink, compare) record mode, seed, workload, topology and
 * every override, `--plan p.json` alone replays the same run (same trace hash), a flag on the command line wins
 * over the recorded value with a one-line note, and plans from before (no meta, or meta without timing/limits)
 * still load.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlanText } from '../../index.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';
import type { CliRun } from '../helpers/cli.js';

let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-plan-world-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => join(dir, name);
const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;
const hashOf = (run: CliRun): string => json<{ traceHash: string }>(run).traceHash;

/** Worlds that differ from the defaults in every group a plan records. */
const WORLDS: readonly (readonly string[])[] = [
  ['--mode', 'at-most-once', '--seed', '3'],
  ['--mode', 'at-least-once', '--seed', '42', '--faults', 'chaos', '--messages', '25', '--consumers', '2', '--max-in-flight', '1'],
  ['--mode', 'exactly-once', '--seed', '7', '--faults', 'chaos', '--groups', '2', '--producers', '2', '--faulty-phase-ms', '90', '--latency-ms-max', '3', '--max-events', '500000'],
  ['--mode', 'at-least-once', '--seed', '11', '--scenario', 'dedup-outside-transaction'],
  ['--mode', 'at-least-once', '--seed', '5', '--progress-timeout-ms', '400', '--processing-ms', '0.25'],
];

describe('a plan replays by itself', () => {
  it('--plan p.json alone reproduces the recorded trace hash, for every mode, topology and override', async () => {
    for (const [index, world] of WORLDS.entries()) {
      const plan = file(`world-${index}.json`);
      const recorded = await runCli([...world, '--json', '--emit-plan', plan]);
      expect(recorded.status, recorded.stderr).not.toBe(2);
      const replayed = await runCli(['--json', '--plan', plan]);
      expect(replayed.stderr, world.join(' ')).toBe('');
      expect(hashOf(replayed), world.join(' ')).toBe(hashOf(recorded));
      expect(json(replayed).config).toEqual(json(recorded).config);
      const meta = parsePlanText(readFileSync(plan, 'utf8')).meta;
      expect(meta?.mode).toBe(world[1]);
      expect(meta?.seed).toBe(Number(world[3]));
    }
  });

  it('records the overrides it was made with, group by group, and nothing the defaults give anyway', async () => {
    const plan = file('overrides.json');
    await runCli(['--mode', 'at-least-once', '--seed', '2', '--max-in-flight', '1', '--faulty-phase-ms', '90', '--progress-timeout-ms', '400', '--max-events', '500000', '--emit-plan', plan]);
    const meta = parsePlanText(readFileSync(plan, 'utf8')).meta;
    expect(meta?.settings).toEqual({ maxInFlight: 1 });
    expect(meta?.timing).toEqual({ faultyPhaseMs: 90 });
    // The virtual-time limit is derived from the progress timeout, so only the given one is recorded.
    expect(meta?.limits).toEqual({ progressTimeoutMs: 400, maxEvents: 500000 });
    expect(meta?.workload).toMatchObject({ messages: 40 });
  });

  it('a flag given on the command line wins over the recorded value, with one note per difference', async () => {
    const plan = file('recorded.json');
    await runCli(['--mode', 'at-least-once', '--seed', '5', '--messages', '30', '--emit-plan', plan]);
    const run = await runCli(['--seed', '6', '--messages', '30', '--json', '--plan', plan]);
    expect(run.stderr.trimEnd().split('\n')).toEqual([`simulate: note: --seed 6 overrides the --seed 5 that plan ${plan} was recorded with`]);
    const direct = await runCli(['--mode', 'at-least-once', '--seed', '6', '--messages', '30', '--json', '--plan', plan]);
    expect(hashOf(run)).toBe(hashOf(direct));
    expect(json<{ config: { seed: number; mode: string } }>(run).config).toMatchObject({ seed: 6, mode: 'at-least-once' });
  });

  it('plans from before still load: no meta replays in the command line\'s world, older meta without timing or limits applies what it has', async () => {
    const faults = [{ kind: 'ack-lost', message: 'm3', attempt: 1 }];
    writeFileSync(file('bare.json'), JSON.stringify({ version: 1, faults }));
    const bare = await runCli(['--mode', 'at-least-once', '--seed', '9', '--json', '--plan', file('bare.json')]);
    const inline = await runCli(['--mode', 'at-least-once', '--seed', '9', '--json', '--plan', JSON.stringify({ version: 1, faults })]);
    expect(bare.stderr).toBe('');
    expect(hashOf(bare)).toBe(hashOf(inline));
    const oldMeta = { origin: 'simulate --emit-plan', mode: 'at-most-once', seed: 9, workload: { messages: 40, keys: 4, partitions: 2, produceIntervalMs: 2, burst: 0 }, topology: { producers: 1, groups: 1, consumers: 1 }, replay: 'simulate --mode at-most-once --seed 9 --plan old.json' };
    writeFileSync(file('old.json'), JSON.stringify({ version: 1, meta: oldMeta, faults }));
    const old = await runCli(['--json', '--plan', file('old.json')]);
    const explicit = await runCli(['--mode', 'at-most-once', '--seed', '9', '--json', '--plan', JSON.stringify({ version: 1, faults })]);
    expect(old.stderr).toBe('');
    expect(hashOf(old)).toBe(hashOf(explicit));
  });

  it('check, shrink and compare follow the same rule', async () => {
    const found = file('found.json');
    const check = await runCli(['check', '--mode', 'at-most-once', '--seed', '4', '--messages', '12', '--runs', '200', '--json', '--emit-plan', found]);
    // at-most-once does not promise no loss: a break found is exit 0, and the plan is written.
    expect(check.status, check.stderr).toBe(0);
    const meta = parsePlanText(readFileSync(found, 'utf8')).meta;
    expect(meta).toMatchObject({ origin: 'simulate check', mode: 'at-most-once', workload: { messages: 12 } });
    // shrink takes its mode from the plan (no --mode needed) and replays in the recorded world.
    const shrink = await runCli(['shrink', '--json', '--plan', found]);
    expect(shrink.stderr).toBe('');
    expect(shrink.status).toBe(0);
    expect(json<{ config?: { mode: string }; mode?: string }>(shrink)).toMatchObject({ mode: 'at-most-once' });
    // compare takes the recorded world but runs every mode: no note about the mode.
    const compare = await runCli(['compare', '--json', '--plan', found]);
    expect(compare.stderr).toBe('');
    expect(compare.status).not.toBe(2);
    const modes = json<{ modes: Record<string, { traceHash: string }> }>(compare).modes;
    const run = await runCli(['--json', '--plan', found]);
    expect(modes['at-most-once'].traceHash).toBe(hashOf(run));
    const other = await runCli(['--mode', 'exactly-once', '--json', '--plan', found]);
    expect(modes['exactly-once'].traceHash).toBe(hashOf(other));
  });
});
