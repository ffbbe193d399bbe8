/**
 * `--handler <module>` through the built CLI, with handler files written only against the contract: a naive
 * handler duplicates, the check outside the transaction is VIOLATED under exactly-once, a module that does not
 * load or breaks the contract is one line and exit 2, and a run is the same across processes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/build.js';
import { expectOneLineError, requireBuiltCli, runCli, CLI_INVOCATION } from '../helpers/cli.js';

let dir = '';
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'simulate-handler-'));
  writeFileSync(file('naive.mjs'), `export async function handler(record, db) {\n  await db.increment('ledger', record.key, 1);\n}\nexport const effects = ['ledger'];\n`);
  writeFileSync(
    file('outside.mjs'),
    `export async function handler(record, db) {\n  if (await db.get('processed', record.id)) return 'ack';\n  await db.increment('ledger', record.key, 1);\n  await db.put('processed', record.id, true);\n}\nexport const effects = ['ledger'];\n`,
  );
  writeFileSync(file('sleepy.mjs'), `export async function handler(record, db) {\n  await new Promise((resolve) => setTimeout(resolve, 1));\n  await db.put('ledger', record.id, 1);\n}\nexport const effects = ['ledger'];\n`);
  // A naive increment, and its own invariant: the ledger counts each message once.
  writeFileSync(
    file('counted.mjs'),
    `export async function handler(record, db) {\n  await db.increment('ledger', record.key, 1);\n}\nexport const effects = ['ledger'];\nexport const invariants = {\n  ledgerCountsEachMessageOnce(db, workload) {\n    const counted = db.keys('ledger').reduce((total, key) => total + db.get('ledger', key), 0);\n    return { holds: counted <= workload.length, witnesses: counted <= workload.length ? [] : [\`\${counted} counted for \${workload.length} messages\`] };\n  },\n};\n`,
  );
  writeFileSync(file('no-effects.mjs'), `export async function handler() {}\n`);
  // Not deterministic: a value drawn from Math.random, and a set of ids kept in the module from run to run.
  writeFileSync(file('random.mjs'), `export async function handler(record, db) {\n  await db.put('ledger', record.key, Math.random());\n}\nexport const effects = ['ledger'];\n`);
  writeFileSync(
    file('remembers.mjs'),
    `const seen = new Set();\nexport async function handler(record, db) {\n  if (seen.has(record.id)) return 'ack';\n  seen.add(record.id);\n  await db.increment('ledger', record.key, 1);\n}\nexport const effects = ['ledger'];\n`,
  );
  writeFileSync(file('broken.mjs'), `export async function handler(\n`);
  writeFileSync(file('never-loads.mjs'), `await new Promise(() => {});\nexport async function handler() {}\nexport const effects = ['ledger'];\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (stdout: string): { verdict: string; traceHash: string; invariants: Record<string, { count: number; witnesses: { msg: string }[] }>; replay: string } => JSON.parse(stdout) as never;

describe('simulate --handler', () => {
  it('at-least-once with a naive handler: a lost DB reply duplicates, allowed (exit 0); the replay names the handler', async () => {
    const run = await runCli(['--mode', 'at-least-once', '--seed', '4', '--handler', file('naive.mjs'), '--plan', '{"version":1,"faults":[{"kind":"db-reply-lost","message":"m5","call":1}]}', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const output = json(run.stdout);
    expect(output.invariants.duplicates.witnesses.map((witness) => witness.msg)).toEqual(['m5']);
    expect(output.replay).toContain(`--handler ${file('naive.mjs')}`);
    expect(output.replay.startsWith(CLI_INVOCATION)).toBe(true);
  });

  it('exactly-once with the check outside the transaction: VIOLATED (exit 1) by one crash between two calls', async () => {
    const run = await runCli(['--mode', 'exactly-once', '--seed', '4', '--handler', file('outside.mjs'), '--plan', '{"version":1,"faults":[{"kind":"consumer-crash","message":"m3","delivery":1,"afterCall":2}]}']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/duplicates\s+yes\s+1\s+VIOLATED/);
    expect(run.stdout).toContain('crashes right after call 2 of the handler for m3 was answered');
    // The story is told in the handler's own steps.
    expect(run.stdout).toContain('how: crashes right after call 2 of the handler for m3 was answered: the redelivery repeated the effect');
    const report = file('outside-report.md');
    await runCli(['--mode', 'exactly-once', '--seed', '4', '--handler', file('outside.mjs'), '--plan', '{"version":1,"faults":[{"kind":"consumer-crash","message":"m3","delivery":1,"afterCall":2}]}', '--report', report]);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toMatch(/The handler ran 2 times: delivery 1 at t=[\d.]+ ms: get processed\\\[m3\\\] → absent, increment ledger\\\[k\d\\\] by 1 → \d+, then the consumer crashed; delivery 2/);
    expect(markdown).toContain('m3 call 1: get processed[m3]');
    expect(markdown).toContain('outcome: m3 applied twice');
  });

  it('is the same run in another process', async () => {
    const args = ['--mode', 'at-least-once', '--seed', '9', '--faults', 'chaos', '--handler', file('outside.mjs'), '--json'];
    const [first, second] = await Promise.all([runCli(args), runCli(args)]);
    expect(json(first.stdout).traceHash).toBe(json(second.stdout).traceHash);
  });

  it('a module that does not load, exports no effects, or awaits a real timer: one line, exit 2', async () => {
    expectOneLineError(await runCli(['--handler', file('missing.mjs')]), ['cannot load --handler', 'no such file']);
    expectOneLineError(await runCli(['--handler', file('broken.mjs')]), ['cannot load --handler', 'SyntaxError']);
    expectOneLineError(await runCli(['--handler', file('no-effects.mjs')]), ['"effects" must be a non-empty list']);
    expectOneLineError(await runCli(['--handler', file('sleepy.mjs')]), ['awaited something other than its db calls', 'before its first DB call']);
    // Node exits with 0 when nothing is left to wait for: a top-level await on nothing ended the CLI silently, exit 0.
    expectOneLineError(await runCli(['--handler', file('never-loads.mjs')]), ['stopped before the command finished', 'top-level await']);
  });

  it('a handler that does not replay is refused by every command before its runs are trusted: one line naming where two runs parted, exit 2', async () => {
    // In one process the set of seen ids survived the first run: check reported a loss with no fault, which its own
    // replay command (a fresh process) did not show.
    const remembers = file('remembers.mjs');
    const parted = ['the handler is not deterministic: the same run, played twice, parted at trace record', 'handler-call m1): kind "handler-call" the first time, "handler-done" the second', 'Math.random(), Date.now(), module state kept between runs'];
    for (const args of [[], ['check', '--runs', '20'], ['shrink'], ['compare'], ['explore', '--max-faults', '1', '--messages', '3'], ['sweep', '--seeds', '1..3'], ['sweep', '--seeds', '1..3', '--vary', 'drop=0..0.1:0.1']]) {
      const seed = args[0] === 'sweep' ? [] : ['--seed', '4'];
      expectOneLineError(await runCli([...args, '--mode', 'at-least-once', ...seed, '--handler', remembers]), [`--handler ${remembers}: `, ...parted]);
    }
    expectOneLineError(await runCli(['--seed', '4', '--handler', file('random.mjs')]), ['parted at trace record', 'handler-call m1): text "put ledger[k', 'the first time, "put ledger[k', 'the second']);
    // A deterministic handler is untouched by the probe, also a run longer than the replay (the replay is its start).
    const long = await runCli(['--mode', 'at-least-once', '--seed', '4', '--messages', '2000', '--handler', file('naive.mjs'), '--faults', 'none', '--json']);
    expect(long.status, long.stderr).toBe(0);
    expect((JSON.parse(long.stdout) as { stats: { events: number } }).stats.events).toBeGreaterThan(20_000);
  });

  it('sweep --handler: the check outside the transaction breaks exactly-once in some seeds; the printed replay reproduces one', async () => {
    const sweep = await runCli(['sweep', '--mode', 'exactly-once', '--seeds', '1..25', '--faults', 'chaos', '--handler', file('outside.mjs'), '--json']);
    expect(sweep.status, sweep.stderr).toBe(1);
    const output = JSON.parse(sweep.stdout) as { handler: string; invariants: { duplicates: { seedsBroken: number } }; firstViolationReplay: string };
    expect(output.handler).toBe(file('outside.mjs'));
    expect(output.invariants.duplicates.seedsBroken).toBeGreaterThan(0);
    const args = output.firstViolationReplay.split(' ').slice(CLI_INVOCATION.split(' ').length);
    const replay = await runCli(args);
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/duplicates\s+yes\s+\d+\s+VIOLATED/);
  });

  it('sweep --handler --workers 2: each thread loads the handler, and the JSON is the one thread\'s', async () => {
    const args = ['sweep', '--mode', 'exactly-once', '--seeds', '1..40', '--faults', 'chaos', '--handler', file('counted.mjs'), '--json'];
    const [one, two] = await Promise.all([runCli([...args, '--workers', '1']), runCli([...args, '--workers', '2'])]);
    expect(one.status, one.stderr).toBe(1);
    expect(two.status, two.stderr).toBe(1);
    const withoutWallClock = (stdout: string): unknown => {
      const output = JSON.parse(stdout) as { stats: { wallMs?: number } };
      delete output.stats.wallMs;
      return output;
    };
    expect(withoutWallClock(two.stdout)).toEqual(withoutWallClock(one.stdout));
    const output = JSON.parse(one.stdout) as { handlerInvariants: Record<string, { seedsBroken: number }>; invariants: { duplicates: { seedsBroken: number } } };
    expect(output.invariants.duplicates.seedsBroken).toBeGreaterThan(0);
    expect(output.handlerInvariants.ledgerCountsEachMessageOnce.seedsBroken).toBeGreaterThan(0);
  });

  it('sweep --handler --workers 2: a handler that breaks the contract in a thread is one line, exit 2, as in one run', async () => {
    expectOneLineError(await runCli(['sweep', '--seeds', '1..6', '--workers', '2', '--handler', file('sleepy.mjs')]), ['--handler', 'awaited something other than its db calls']);
  });

  it('sweep --vary --handler: the handler\'s own invariant is a column, a chart and a first violation per value', async () => {
    const args = ['sweep', '--mode', 'at-least-once', '--seeds', '1..20', '--faults', 'none', '--vary', 'db-reply-loss=0..0.2:0.2', '--handler', file('counted.mjs')];
    const text = await runCli(['--no-color', ...args]);
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/db-reply-loss +loss \* +duplicates +order +liveness \* +ledgerCountsEachMessageOnce \* +verdict/);
    expect(text.stdout).toMatch(/^0 +0 \(0%\) +0 \(0%\) +0 \(0%\) +0 \(0%\) +0 \(0%\) +ok$/m);
    expect(text.stdout).toContain('ledgerCountsEachMessageOnce: share of seeds broken as db-reply-loss grows');
    expect(text.stdout).toContain('verdict: VIOLATED — a promised invariant broke at db-reply-loss = 0.2 (exit 1)');
    const json = await runCli([...args, '--json']);
    const output = JSON.parse(json.stdout) as { handler: string; points: { value: number; handlerInvariants: Record<string, { seedsBroken: number }>; firstViolationReplay: string | null }[] };
    expect(output.handler).toBe(file('counted.mjs'));
    expect(output.points.map((point) => point.handlerInvariants.ledgerCountsEachMessageOnce.seedsBroken > 0)).toEqual([false, true]);
    expect(output.points[0].firstViolationReplay).toBeNull();
    // The replay of the first violation at 0.2 runs with the handler and breaks its invariant.
    const replay = await runCli((output.points[1].firstViolationReplay ?? '').split(' ').slice(CLI_INVOCATION.split(' ').length));
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/ledgerCountsEachMessageOnce\s+yes\s+\d+\s+VIOLATED/);
    const report = file('vary-report.md');
    expect((await runCli([...args, '--report', report])).status).toBe(1);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toContain('| ledgerCountsEachMessageOnce (promised) |');
    expect(markdown).toContain('title "ledgerCountsEachMessageOnce: share of 20 seeds broken"');
    expect(markdown).toMatch(/^\| +0\.2 +\| ledgerCountsEachMessageOnce +\| VIOLATED +\|/m);
  });

  it('check --handler searches the handler\'s own invariants too: a row, a shrunk finding, the verdict, JSON and an emitted plan that replays the break', async () => {
    const plan = file('own-invariant.json');
    const args = ['check', '--mode', 'at-least-once', '--messages', '8', '--runs', '200', '--handler', file('counted.mjs')];
    const text = await runCli(['--no-color', ...args, '--emit-plan', plan]);
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^ledgerCountsEachMessageOnce +yes +VIOLATED · minimal plan of 1 fault$/m);
    expect(text.stdout).toContain("ledgerCountsEachMessageOnce · VIOLATED (your handler's own invariant, promised in every mode)");
    expect(text.stdout).toMatch(/what broke: 9 counted for 8 messages/);
    expect(text.stdout).toContain("verdict: VIOLATED — ledgerCountsEachMessageOnce (your handler's own) broke although it is promised (exit 1)");
    // The emitted plan names the invariant and replays the break, whose run says so in its verdict (it said "ok").
    expect(JSON.parse(readFileSync(plan, 'utf8'))).toMatchObject({ meta: { invariant: 'ledgerCountsEachMessageOnce', handler: file('counted.mjs') } });
    const replay = await runCli(['--no-color', '--plan', plan]);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain("verdict: VIOLATED — ledgerCountsEachMessageOnce (your handler's own) broke although it is promised (exit 1)");
    const json = JSON.parse((await runCli([...args, '--invariant', 'ledgerCountsEachMessageOnce', '--json'])).stdout) as { invariants: object; handlerInvariants: Record<string, { found: boolean; promised: boolean; plan: { faults: unknown[] } }> };
    expect(json.invariants).toEqual({});
    expect(json.handlerInvariants.ledgerCountsEachMessageOnce).toMatchObject({ found: true, promised: true });
    expect(json.handlerInvariants.ledgerCountsEachMessageOnce.plan.faults).toHaveLength(1);
    expectOneLineError(await runCli([...args, '--invariant', 'ledgerCount']), ['invalid --invariant "ledgerCount"', 'loss, duplicates, order, liveness, ledgerCountsEachMessageOnce']);
    expectOneLineError(await runCli(['check', '--mode', 'at-least-once', '--invariant', 'ledgerCountsEachMessageOnce']), ['invalid --invariant', 'expected one of loss, duplicates, order, liveness']);
  });

  it('compare --handler shows a row per own invariant, so a VIOLATED column says why', async () => {
    const run = await runCli(['--no-color', 'compare', '--seed', '3', '--messages', '10', '--faults', 'chaos', '--handler', file('counted.mjs')]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^ledgerCountsEachMessageOnce +holds \* +VIOLATED \(1\) \* +VIOLATED \(1\) \*$/m);
    expect(run.stdout).toContain("* promised by the mode (your handler's own invariants: in every mode); (n) messages affected");
    const report = file('compare-report.md');
    await runCli(['compare', '--seed', '3', '--messages', '10', '--faults', 'chaos', '--handler', file('counted.mjs'), '--report', report]);
    expect(readFileSync(report, 'utf8')).toMatch(/^\| ledgerCountsEachMessageOnce \| holds \(your handler's own\) +\| \*\*VIOLATED\*\* \(1\) +\| \*\*VIOLATED\*\* \(1\) +\|$/m);
  });

  it('explore --handler enumerates the breaks of the handler\'s own invariants too (the corpus keeps only the built-in ones)', async () => {
    const corpus = file('corpus');
    const args = ['explore', '--mode', 'at-least-once', '--messages', '3', '--max-faults', '1', '--handler', file('counted.mjs')];
    const text = await runCli(['--no-color', ...args]);
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/ledgerCountsEachMessageOnce · VIOLATED · ack-lost · \d+ minimal plans?/);
    expect(text.stdout).toContain("VIOLATED — ledgerCountsEachMessageOnce (your handler's own) broke although it is promised (exit 1)");
    const json = JSON.parse((await runCli([...args, '--json', '--emit-corpus', corpus])).stdout) as { breaks: { invariant: string; status: string; promised: boolean }[]; corpusFiles: string[] };
    const own = json.breaks.filter((found) => found.invariant === 'ledgerCountsEachMessageOnce');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((found) => found.promised && found.status === 'VIOLATED')).toBe(true);
    // Promised breaks come first: the handler's own before the duplicates at-least-once allows.
    expect(json.breaks[0].invariant).toBe('ledgerCountsEachMessageOnce');
    expect(json.corpusFiles.length).toBeGreaterThan(0);
    expect(json.corpusFiles.some((path) => path.includes('ledgercounts'))).toBe(false);
  });

  it('shrink --handler shrinks a break of the handler\'s own invariant too', async () => {
    const run = await runCli(['shrink', '--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--messages', '10', '--handler', file('counted.mjs'), '--invariant', 'ledgerCountsEachMessageOnce', '--json']);
    expect(run.status, run.stderr).toBe(1);
    const output = JSON.parse(run.stdout) as { original: { handlerInvariants: Record<string, { status: string }> }; findings: { invariant: string; plan: { faults: unknown[] } }[] };
    expect(output.original.handlerInvariants.ledgerCountsEachMessageOnce.status).toBe('VIOLATED');
    expect(output.findings.map((finding) => finding.invariant)).toEqual(['ledgerCountsEachMessageOnce']);
    expect(output.findings[0].plan.faults.length).toBeLessThan(3);
  });

  it('a plan carries its handler: --plan alone replays with it, in a run and in shrink', async () => {
    const plan = file('with-handler.json');
    const recorded = await runCli(['--mode', 'exactly-once', '--seed', '6', '--faults', 'chaos', '--handler', file('outside.mjs'), '--json', '--emit-plan', plan]);
    expect(recorded.status, recorded.stderr).not.toBe(2);
    const replayed = await runCli(['--plan', plan, '--json']);
    expect(replayed.stderr).toBe('');
    expect(json(replayed.stdout).traceHash).toBe(json(recorded.stdout).traceHash);
    const shrink = await runCli(['shrink', '--plan', plan, '--json']);
    expect(shrink.status, shrink.stderr).not.toBe(2);
    expect((JSON.parse(shrink.stdout) as { original: { traceHash: string } }).original.traceHash).toBe(json(recorded.stdout).traceHash);
    const meta = (JSON.parse(readFileSync(plan, 'utf8')) as { meta: { handler: string } }).meta;
    expect(meta.handler).toBe(file('outside.mjs'));
    expect(new Ajv2020({ strict: false }).validate(JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object, JSON.parse(readFileSync(plan, 'utf8')))).toBe(true);
  });

  it('check --handler: exactly-once with the check outside the transaction is VIOLATED, shrunk to one crash between two of its calls', async () => {
    const run = await runCli(['check', '--mode', 'exactly-once', '--runs', '300', '--messages', '8', '--handler', file('outside.mjs'), '--json']);
    expect(run.status, run.stderr).toBe(1);
    const duplicates = (JSON.parse(run.stdout) as { invariants: Record<string, { found: boolean; plan?: { faults: { kind: string; afterCall?: number }[] }; replay?: string }> }).invariants.duplicates;
    expect(duplicates.found).toBe(true);
    expect(duplicates.plan?.faults).toHaveLength(1);
    expect(duplicates.plan?.faults[0]).toMatchObject({ kind: 'consumer-crash' });
    expect(duplicates.plan?.faults[0].afterCall).toBeGreaterThanOrEqual(1);
    expect(duplicates.replay).toContain(`--handler ${file('outside.mjs')}`);
  });

  it("check --handler --report: the finding's diagram counts the applications the handler made (its run came back from a worker thread)", async () => {
    const report = file('outside-check-report.md');
    const run = await runCli(['check', '--mode', 'exactly-once', '--runs', '300', '--messages', '8', '--handler', file('outside.mjs'), '--report', report]);
    expect(run.status, run.stderr).toBe(1);
    const text = readFileSync(report, 'utf8');
    // The effects and messages are views rebuilt on this side of the thread: before, the outcome said "applied 0 times".
    expect(text).toMatch(/Note over .*: outcome: m\d+ applied twice/);
    expect(text).not.toMatch(/applied 0 times/);
  });

  it('check --handler: an insert in the effect\'s transaction holds exactly-once over 500 generated plans', async () => {
    writeFileSync(
      file('in-transaction.mjs'),
      `export async function handler(record, db) {\n  return db.transaction(async (tx) => {\n    if ((await tx.insert('processed', record.id, true)) === 'conflict') return 'ack';\n    await tx.increment('ledger', record.key, 1);\n  });\n}\nexport const effects = ['ledger'];\n`,
    );
    const run = await runCli(['check', '--mode', 'exactly-once', '--runs', '500', '--handler', file('in-transaction.mjs')]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('explore, shrink and compare take --handler too', async () => {
    const explore = await runCli(['explore', '--mode', 'exactly-once', '--max-faults', '1', '--messages', '3', '--partitions', '1', '--handler', file('outside.mjs'), '--json']);
    expect(explore.status, explore.stderr).toBe(1);
    const causes = (JSON.parse(explore.stdout) as { exhaustive: boolean; breaks: { cause: string }[] }).breaks.map((found) => found.cause);
    expect(causes.some((cause) => cause.startsWith('consumer-crash'))).toBe(true);
    const shrink = await runCli(['shrink', '--mode', 'exactly-once', '--seed', '2', '--faults', 'chaos', '--handler', file('outside.mjs'), '--json']);
    expect(shrink.status, shrink.stderr).toBe(1);
    expect((JSON.parse(shrink.stdout) as { findings: { plan: { faults: unknown[] } }[] }).findings[0].plan.faults.length).toBeLessThanOrEqual(2);
    const compare = await runCli(['compare', '--seed', '2', '--faults', 'chaos', '--handler', file('outside.mjs'), '--json']);
    expect(compare.status, compare.stderr).not.toBe(2);
    const modes = (JSON.parse(compare.stdout) as { modes: Record<string, { replay: string }> }).modes;
    expect(modes['exactly-once'].replay).toContain('--handler');
  });

  it("a handler's own invariants are reported and promised: in a run's text and JSON, and per seed in sweep", async () => {
    const example = join(ROOT, 'examples/handlers/version-upsert.mjs');
    const run = await runCli(['--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--handler', example]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/newestVersionWins\s+yes\s+0\s+holds/);
    const output = await runCli(['--mode', 'at-least-once', '--seed', '3', '--faults', 'chaos', '--handler', example, '--json']);
    expect(JSON.parse(output.stdout)).toMatchObject({ handlerInvariants: { newestVersionWins: { promised: true, holds: true, status: 'holds' } } });
    const sweep = await runCli(['sweep', '--mode', 'at-least-once', '--seeds', '1..10', '--faults', 'chaos', '--handler', example, '--json']);
    expect(sweep.status, sweep.stderr).toBe(0);
    expect(JSON.parse(sweep.stdout)).toMatchObject({ handlerInvariants: { newestVersionWins: { seedsBroken: 0, examples: [] } } });
  });
});
