/**
 * The `--json` contract: every command's real output validates against its published JSON Schema (ajv, draft
 * 2020-12), carries schemaVersion and tool, and has no field the schema does not describe (checked with a closed
 * copy of each schema: the published ones stay open, since adding a field is not breaking). Emitted plan files
 * validate against plan.schema.json. The committed schemas/ are exactly what `npm run docs` generates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../cli/json-contract.js';
import { jsonSchemas, schemaText } from '../../cli/json-schemas.js';
import { ROOT } from '../helpers/build.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';

let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-schemas-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy where every object that lists its properties allows no others: undocumented output fields fail. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([name, item]) => [name, closed(item)])) : closed(value)]));
  if ('properties' in copy && !('additionalProperties' in copy) && copy.type === 'object') copy.additionalProperties = false;
  return copy;
}

const published = (name: string): object => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as object;

function validator(name: string, strict: boolean): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile((strict ? closed(published(name)) : published(name)) as object);
}

function expectValid(name: string, output: unknown): void {
  for (const strict of [false, true]) {
    const validate = validator(name, strict);
    const ok = validate(output);
    expect(ok, `${name}${strict ? ' (closed)' : ''}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }
}

async function jsonOf(args: readonly string[]): Promise<Record<string, unknown>> {
  const run = await runCli([...args, '--json']);
  expect(run.status, run.stderr).not.toBe(2);
  expect(run.status, run.stderr).not.toBe(3);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('JSON Schemas', () => {
  it('schemas/ holds exactly what npm run docs generates', () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) expect(readFileSync(join(ROOT, 'schemas', name), 'utf8') === schemaText(schema), `schemas/${name} is stale: run npm run docs`).toBe(true);
  });

  it('the package exports them', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(manifest.files).toContain('schemas');
    expect(manifest.exports['./schemas/*']).toBe('./schemas/*');
  });

  it('a run validates, with the envelope, witnesses in one shape, groups and parked records', async () => {
    const outputs = [
      await jsonOf(['--mode', 'at-least-once', '--seed', '42']),
      await jsonOf(['--mode', 'at-most-once', '--seed', '3', '--faults', 'chaos', '--groups', '2', '--consumers', '2']),
      await jsonOf(['--mode', 'at-least-once', '--seed', '1', '--scenario', 'poison-message-dead-letter']),
      await jsonOf(['--mode', 'exactly-once', '--seed', '2', '--plan', '{"version":1,"faults":[{"kind":"ack-lost","message":"m999","attempt":1}]}']),
      await jsonOf(['--mode', 'at-least-once', '--seed', '1', '--scenario', 'poison-message-blocks-partition']),
    ];
    for (const output of outputs) {
      expectValid('run.schema.json', output);
      expect(output).toMatchObject({ schemaVersion: SCHEMA_VERSION, tool: { name: 'delivery-sim' }, command: 'run' });
    }
    const duplicates = (outputs[0].invariants as Record<string, { witnesses: Record<string, unknown>[] }>).duplicates.witnesses[0];
    expect(duplicates).toMatchObject({ msg: 'm7', key: 'k2', how: 'lost ack, then a retry: duplicate in the log' });
    expect(duplicates.because).toEqual(["the broker's ack for m7 (attempt 1) is lost on the way back to the producer"]);
    expect((outputs[2].parked as { count: number }).count).toBeGreaterThan(0);
    expect(outputs[3].unusedPlanFaults).toHaveLength(1);
  });

  it('check, shrink, compare and sweep validate; witnesses there have the run\'s shape', async () => {
    const check = await jsonOf(['check', '--mode', 'at-least-once', '--runs', '100']);
    expectValid('check.schema.json', check);
    const shrink = await jsonOf(['shrink', '--mode', 'at-least-once', '--seed', '42']);
    expectValid('shrink.schema.json', shrink);
    const witness = (shrink.findings as { witnesses: Record<string, unknown>[] }[])[0].witnesses[0];
    expect(typeof witness.msg).toBe('string');
    expect(typeof witness.summary).toBe('string');
    expect(Array.isArray(witness.because) && Array.isArray(witness.records)).toBe(true);
    expectValid('compare.schema.json', await jsonOf(['compare', '--seed', '42']));
    const sweep = await jsonOf(['sweep', '--mode', 'at-most-once', '--seeds', '1..40', '--faults', 'chaos']);
    expectValid('sweep.schema.json', sweep);
    for (const output of [check, shrink, sweep]) expect(output).toMatchObject({ schemaVersion: SCHEMA_VERSION, tool: { name: 'delivery-sim' } });
  });

  it('explore validates, exhaustive and stopped, with and without breaks', async () => {
    const world = ['--messages', '3', '--partitions', '1', '--max-faults', '1'];
    const clean = await jsonOf(['explore', '--mode', 'exactly-once', ...world]);
    const broken = await jsonOf(['explore', '--mode', 'at-least-once', ...world]);
    const stopped = await jsonOf(['explore', '--mode', 'at-most-once', ...world, '--max-runs', '5']);
    for (const output of [clean, broken, stopped]) {
      expectValid('explore.schema.json', output);
      expect(output).toMatchObject({ schemaVersion: SCHEMA_VERSION, tool: { name: 'delivery-sim' }, command: 'explore' });
    }
    expect((broken.breaks as unknown[]).length).toBeGreaterThan(0);
    expect(stopped).toMatchObject({ exhaustive: false, stoppedBy: 'max-runs', plansRun: 5 });
  });

  it('sweep --shard, merge and sweep --vary validate; a vary point is not a plain sweep', async () => {
    const shards = await Promise.all(['1/2', '2/2'].map((shard) => jsonOf(['sweep', '--seeds', '1..20', '--shard', shard])));
    for (const shard of shards) expectValid('sweep.schema.json', shard);
    const files = shards.map((shard, index) => join(dir, `shard-${index}.json`));
    files.forEach((file, index) => writeFileSync(file, JSON.stringify(shards[index])));
    const merged = await runCli(['merge', ...files]);
    expect(merged.status, merged.stderr).toBe(0);
    expectValid('merge.schema.json', JSON.parse(merged.stdout));
    const vary = await jsonOf(['sweep', '--seeds', '10', '--vary', 'dup=0..0.1:0.05']);
    expectValid('sweep.schema.json', vary);
    const validate = validator('sweep.schema.json', false);
    expect(validate({ ...vary, invariants: shards[0].invariants })).toBe(false);
    expect(validate({ ...shards[0], points: [] })).toBe(false);
    const listed = await jsonOf(['sweep', '--seeds', '5', '--vary', 'acks=0,1,all']);
    expectValid('sweep.schema.json', listed);
    // A vary is a range or a list, never both, never neither.
    const range = vary.vary as Record<string, unknown>;
    expect(validate({ ...listed, vary: { ...(listed.vary as object), from: 0, to: 1, step: 1 } })).toBe(false);
    expect(validate({ ...vary, vary: { name: range.name, target: range.target } })).toBe(false);
  });

  it("a handler's run and sweep validate, its own invariants included", async () => {
    const example = join(ROOT, 'examples/handlers/version-upsert.mjs');
    const run = await jsonOf(['--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--handler', example]);
    expect(run.handlerInvariants).toBeDefined();
    expectValid('run.schema.json', run);
    const sweep = await jsonOf(['sweep', '--mode', 'at-least-once', '--seeds', '1..5', '--handler', example]);
    expect(sweep.handlerInvariants).toBeDefined();
    expectValid('sweep.schema.json', sweep);
    const check = await jsonOf(['check', '--mode', 'at-least-once', '--messages', '6', '--runs', '40', '--handler', example]);
    expect(Object.keys(check.handlerInvariants as object)).toEqual(['newestVersionWins']);
    expectValid('check.schema.json', check);
    const shrink = await jsonOf(['shrink', '--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--handler', example]);
    expect(shrink.original).toHaveProperty('handlerInvariants.newestVersionWins');
    expectValid('shrink.schema.json', shrink);
    expectValid('explore.schema.json', await jsonOf(['explore', '--mode', 'at-least-once', '--messages', '3', '--max-faults', '1', '--handler', example]));
  });

  it('sweep counts acknowledged loss: seeds and messages', async () => {
    const sweep = await jsonOf(['sweep', '--mode', 'at-most-once', '--seeds', '1..60', '--faults', 'failover=0.2', '--acks', '1']);
    const loss = (sweep.invariants as Record<string, { seedsBroken: number; count: number; acknowledgedSeeds: number; acknowledgedCount: number }>).loss;
    expect(loss.acknowledgedSeeds).toBeGreaterThan(0);
    expect(loss.acknowledgedCount).toBeGreaterThanOrEqual(loss.acknowledgedSeeds);
    expect(loss.count).toBeGreaterThanOrEqual(loss.acknowledgedCount);
  });

  it('emitted plan files validate against plan.schema.json, and a malformed one does not', async () => {
    const plans = ['run.json', 'check.json', 'compare.json'].map((name) => join(dir, name));
    await runCli(['--mode', 'at-least-once', '--seed', '42', '--faulty-phase-ms', '90', '--emit-plan', plans[0]]);
    await runCli(['check', '--mode', 'at-most-once', '--runs', '100', '--emit-plan', plans[1]]);
    await runCli(['compare', '--seed', '42', '--emit-plan', plans[2]]);
    for (const plan of plans) expectValid('plan.schema.json', JSON.parse(readFileSync(plan, 'utf8')));
    const validate = validator('plan.schema.json', false);
    expect(validate({ version: 1, faults: [{ kind: 'ack-lost', message: 'm1', attempt: 1, extra: true }] })).toBe(false);
    expect(validate({ version: 1, faults: [{ kind: 'ack-lots', message: 'm1', attempt: 1 }] })).toBe(false);
    expect(validate({ version: 1, meta: { seed: -1 }, faults: [] })).toBe(false);
  });
});
