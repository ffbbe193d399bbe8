/**
 * The markdown reports: snapshots of a few (the file snapshots are the reports a reviewer would read),
 * byte-identical re-renders, every mermaid block accepted by the real parser, tables that keep their shape,
 * and a fault-plan JSON block that parses back to the plan the run injected.
 */
import { describe, expect, it } from 'vitest';
import { scenarioMeta } from '../../cli/report-output.js';
import { MODE_NAMES, SCENARIOS, simulate } from '../../index.js';
import type { FaultPlan, ModeName, SimulationResult } from '../../index.js';
import { renderCompareReport, renderRunReport } from '../../reports/index.js';
import { PLAN_JSON_FAULTS_MAX, PLAN_ROWS_MAX } from '../../reports/fault-plan.js';
import type { RunReportMeta } from '../../reports/index.js';
import { mermaidBlocks, parseMermaid } from './mermaid-parser.js';

function scenarioRun(name: string, mode: ModeName): SimulationResult {
  const scenario = SCENARIOS.find((item) => item.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return simulate({ mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
}

function runMeta(name: string, mode: ModeName): RunReportMeta {
  const scenario = SCENARIOS.find((item) => item.name === name);
  return {
    kind: 'run',
    toolVersion: '0.1.0',
    replayCommand: `simulate --mode ${mode} --seed 1 --scenario ${name} --report report.md`,
    faultsLabel: `scenario ${name} (explicit plan)`,
    ...scenarioMeta(scenario),
  };
}

const scenarioReport = (name: string, mode: ModeName): string => renderRunReport(scenarioRun(name, mode), runMeta(name, mode));

/** Every table line of a report has as many unescaped pipes as its header: no cell broke out. */
function expectTablesWellFormed(markdown: string): void {
  let width: number | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      width = undefined;
      continue;
    }
    const pipes = line.match(/(?<!\\)\|/g)?.length ?? 0;
    width ??= pipes;
    expect(pipes, line).toBe(width);
  }
}

async function expectValidDiagrams(markdown: string, count: number): Promise<void> {
  const blocks = mermaidBlocks(markdown);
  expect(blocks).toHaveLength(count);
  for (const block of blocks) await expect(parseMermaid(block), block).resolves.toBe('sequence');
}

function planJson(markdown: string): FaultPlan {
  const match = /^## (?:Minimal fault plan|Fault plan)[\s\S]*?^```json\n([\s\S]*?)\n```$/m.exec(markdown);
  if (match === null) throw new Error('no fault plan JSON');
  return JSON.parse(match[1]) as FaultPlan;
}

describe('run reports', () => {
  it.each([
    ['lost-ack-retry', 'at-least-once', 'at-least-once · seed 1 · duplicates: broken, as expected', 1],
    ['crash-after-early-commit', 'at-most-once', 'at-most-once · seed 1 · loss: broken, as expected', 1],
    ['leader-failover-acks-1', 'at-least-once', 'at-least-once · seed 1 · loss: VIOLATED', 1],
  ] as const)('%s under %s: snapshot, title, diagrams, tables, plan', async (name, mode, title, diagrams) => {
    const markdown = scenarioReport(name, mode);
    await expect(markdown).toMatchFileSnapshot(`./__snapshots__/${name}.${mode}.md`);
    expect(markdown.split('\n')[0]).toBe(`# ${title}`);
    await expectValidDiagrams(markdown, diagrams);
    expectTablesWellFormed(markdown);
    expect(planJson(markdown)).toEqual(scenarioRun(name, mode).injected);
  });

  it('is byte-identical when rendered again from a fresh run', () => {
    for (const [name, mode] of [['crash-after-db-commit', 'at-least-once'], ['auto-commit-slow-consumer', 'exactly-once']] as const) {
      expect(scenarioReport(name, mode)).toBe(scenarioReport(name, mode));
    }
    const seeded = (): string => renderRunReport(simulate({ mode: 'at-least-once', seed: 42 }), { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --mode at-least-once --seed 42 --report r.md' });
    expect(seeded()).toBe(seeded());
  });

  it('says when a run overrides its mode preset, and why a promised invariant broke', () => {
    const markdown = scenarioReport('leader-failover-acks-1', 'at-least-once');
    expect(markdown).toContain('Verdict — **VIOLATED**: loss broke although at-least-once promises it');
    expect(markdown).toContain('This run overrides the at-least-once preset: `acks=1` (preset `all`)');
    expect(markdown).toMatch(/\| producer +\| `acks`/);
    expect(markdown).toMatch(/\| `1` +\| overrides the at-least-once preset \(all\) \|/);
  });

  it('has no wall-clock figures unless asked, and labels them when asked', () => {
    const result = scenarioRun('lost-request', 'at-most-once');
    const plain = renderRunReport(result, runMeta('lost-request', 'at-most-once'));
    expect(plain).not.toMatch(/wall/i);
    const timed = renderRunReport(result, { ...runMeta('lost-request', 'at-most-once'), wall: { wallMs: 12.5, eventsPerSecond: 10_000 } });
    expect(timed).toMatch(/\| events \| virtual time \| trace records \| consumer lag \(records \/ wait\) \| log duplicates \| trace hash +\| wall time \| events\/s \|/);
    expect(timed).toContain('| 12.5 ms   | 10000    |');
    expect(timed).toContain('Wall time and events/s were asked for');
  });

  it('renders check and shrink findings as a minimal plan with its provenance and both replays', async () => {
    const result = scenarioRun('crash-after-db-commit', 'at-least-once');
    const markdown = renderRunReport(result, {
      kind: 'check',
      toolVersion: '0.1.0',
      replayCommand: 'simulate check --mode at-least-once --seed 7 --report check.md',
      counterexampleReplay: `simulate --mode at-least-once --seed 1 --plan '{"version":1,"faults":[{"kind":"consumer-crash","message":"m3","delivery":1,"point":"after-db-commit"}]}'`,
      planFile: 'minimal.json',
      originalFaultCount: 4,
      shrinkSteps: 3,
      runsSearched: 12,
      search: [
        { invariant: 'loss', promised: true, plansTried: 1000 },
        { invariant: 'duplicates', promised: false, plansTried: 12, minimalFaults: 1 },
      ],
    });
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/check.crash-after-db-commit.at-least-once.md');
    expect(markdown).toContain('A counterexample found by `simulate check`');
    expect(markdown).toContain('## Minimal fault plan (1 fault)');
    expect(markdown).toContain('shrunk from 4 faults in 3 steps after 12 generated plans');
    expect(markdown).toContain('| duplicates | no       |          12 | broke: minimal plan of 1 fault |');
    expect(markdown).toContain('Plan file: `minimal.json`.');
    expect(markdown).toContain('```sh\nsimulate check --mode at-least-once --seed 7 --report check.md\n```');
    expect(markdown).toContain(`--plan '{"version":1`);
    await expectValidDiagrams(markdown, 1);
    expectTablesWellFormed(markdown);
    const shrink = renderRunReport(result, { kind: 'shrink', toolVersion: '0.1.0', replayCommand: 'simulate shrink --mode at-least-once --seed 5 --report s.md' });
    expect(shrink).toContain('A failing run shrunk by `simulate shrink`');
    expect(shrink).toContain('## Minimal fault plan (1 fault)');
  });

  it('lists a long plan\'s first faults and every fault a story cites, and leaves the whole plan to --emit-plan', () => {
    const result = simulate({ mode: 'at-least-once', seed: 3, workload: { messages: 1500 }, faults: 'chaos' });
    const faults = result.injected.faults;
    expect(faults.length).toBeGreaterThan(PLAN_JSON_FAULTS_MAX);
    const markdown = renderRunReport(result, { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --seed 3 --messages 1500 --faults chaos --report r.md' });
    const section = markdown.slice(markdown.indexOf('## Fault plan'), markdown.indexOf('## Replay'));
    const numbers = [...section.matchAll(/^\| +(\d+) \|/gm)].map((match) => Number(match[1]));
    const cited = [...section.matchAll(/^\| +(\d+) \|.*\| ([^|]+?) +\|$/gm)].filter((match) => match[2] !== '—').map((match) => Number(match[1]));
    // The first PLAN_ROWS_MAX in order, then the cited ones beyond them, still in plan order.
    expect(numbers.slice(0, PLAN_ROWS_MAX)).toEqual(Array.from({ length: PLAN_ROWS_MAX }, (_, index) => index + 1));
    expect(numbers.slice(PLAN_ROWS_MAX)).toEqual(cited.filter((number) => number > PLAN_ROWS_MAX));
    expect(cited.some((number) => number > PLAN_ROWS_MAX)).toBe(true);
    expect(section).toContain(`… and ${faults.length - numbers.length} more faults, not listed`);
    expect(section).not.toContain('```json');
    expect(section).toContain(`The ${faults.length} faults are too many to embed here as JSON: \`--emit-plan FILE\` writes them as a plan file.`);
    expectTablesWellFormed(markdown);
  });

  it('lists the plan\'s faults that never matched, and says which name what the world does not have', () => {
    const plan: FaultPlan = { version: 1, faults: [{ kind: 'leader-failover', message: 'm99' }, { kind: 'request-lost', message: 'm3', attempt: 7 }, { kind: 'fetch-lost', partition: 4, fromOffset: 0, attempt: 1 }] };
    const result = simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 10 }, faults: plan });
    const markdown = renderRunReport(result, { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --messages 10 --plan p.json --report r.md' });
    expect(markdown).toContain('3 faults of the given plan never matched anything in this run');
    expect(markdown).toContain("2 of them name what this world does not have:\n\n- the leader of m99's partition fails right after appending m99: never here, the workload hands over m1..m10 only\n- the fetch response for partition 4 from offset 0 (fetch 1) is lost: never here, the topic has partitions 0..1 only\n");
    expectTablesWellFormed(markdown);
  });

  it('a handler\'s own invariant that broke is in the title, the verdict, the verdict table and a section of its own (the report said "ok")', async () => {
    const handler = async (record: { key: string }, db: { increment(table: string, key: string, by: number): Promise<number> }): Promise<void> => {
      await db.increment('ledger', record.key, 1);
    };
    const invariants = {
      ledgerCountsEachMessageOnce: (db: { keys(table: string): string[]; get(table: string, key: string): unknown }, workload: readonly unknown[]) => {
        const counted = db.keys('ledger').reduce((total, key) => total + Number(db.get('ledger', key)), 0);
        return { holds: counted <= workload.length, witnesses: counted <= workload.length ? [] : [`${counted} counted for ${workload.length} messages`] };
      },
    };
    const plan: FaultPlan = { version: 1, faults: [{ kind: 'producer-crash', message: 'm1', point: 'after-send' }] };
    const result = await simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 8 }, faults: plan, handler, effects: ['ledger'], invariants });
    expect(result.verdict).toBe('violated');
    const markdown = renderRunReport(result, { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --messages 8 --handler h.mjs --report r.md' });
    expect(markdown.split('\n')[0]).toBe('# at-least-once · seed 1 · ledgerCountsEachMessageOnce: VIOLATED; duplicates: broken, as expected');
    expect(markdown).toContain("Verdict — **VIOLATED**: your handler's own invariant ledgerCountsEachMessageOnce broke (promised in every mode; exit code 1).");
    expect(markdown).toMatch(/^\| ledgerCountsEachMessageOnce +\| yes \(your handler's own\) +\| +1 \| \*\*VIOLATED\*\* +\|$/m);
    expect(markdown).toContain("## ledgerCountsEachMessageOnce: VIOLATED (your handler's own invariant, promised in every mode)\n\nWhat its check said about the final tables:\n\n- 9 counted for 8 messages\n");
    expectTablesWellFormed(markdown);
  });

  it('says every invariant holds when nothing broke, with no story and no diagram', () => {
    const markdown = scenarioReport('lost-ack-retry', 'exactly-once');
    expect(markdown.split('\n')[0]).toBe('# exactly-once · seed 1 · every invariant holds');
    expect(mermaidBlocks(markdown)).toHaveLength(0);
    expect(markdown).toContain('Verdict — **ok**: every invariant held.');
  });
});

describe('compare reports', () => {
  const compare = (name: string): { results: SimulationResult[]; markdown: string } => {
    const results = MODE_NAMES.map((mode) => scenarioRun(name, mode));
    const scenario = SCENARIOS.find((item) => item.name === name);
    const markdown = renderCompareReport(results, {
      toolVersion: '0.1.0',
      replayCommand: `simulate compare --seed 1 --scenario ${name} --report compare.md`,
      ...scenarioMeta(scenario),
    });
    return { results, markdown };
  };

  it('puts the invariants × modes table first, then one diagram per mode that broke something', async () => {
    const { markdown } = compare('crash-after-early-commit');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/compare.crash-after-early-commit.md');
    expect(markdown.split('\n')[0]).toBe('# compare · seed 1 · at-most-once: loss broken, as expected · at-least-once: duplicates broken, as expected · exactly-once: every invariant holds');
    const sections = [...markdown.matchAll(/^##+ .*$/gm)].map((match) => match[0]);
    expect(sections.slice(0, 2)).toEqual(['## Invariants × modes', '### Settings that differ between the modes']);
    expect(sections).toContain('## at-most-once');
    expect(sections).toContain('## at-least-once');
    expect(sections).not.toContain('## exactly-once');
    expect(markdown).toMatch(/^\| loss +\| \*\*broken\*\*, as expected \(1\) +\| holds \(promised\) +\| holds \(promised\) +\|$/m);
    await expectValidDiagrams(markdown, 2);
    expectTablesWellFormed(markdown);
  });

  it('shows one plan when every mode was given the same one, and is byte-stable', () => {
    const { results, markdown } = compare('leader-failover-acks-1');
    expect(markdown).toContain('## Fault plan (1 fault, given to every mode)');
    expect(planJson(markdown)).toEqual(results[0].injected);
    expect(compare('leader-failover-acks-1').markdown).toBe(markdown);
  });

  it('shows each mode its own plan when rates drew different faults', () => {
    const results = MODE_NAMES.map((mode) => simulate({ mode, seed: 2 }));
    const markdown = renderCompareReport(results, { toolVersion: '0.1.0', replayCommand: 'simulate compare --seed 2 --report c.md' });
    expect(markdown).toContain('## Fault plans');
    expect(markdown.match(/<details><summary>(at-most-once|at-least-once|exactly-once): \d+ faults?<\/summary>/g)).toHaveLength(3);
  });

  it('refuses an empty comparison', () => {
    expect(() => renderCompareReport([], { toolVersion: '0.1.0', replayCommand: 'x' })).toThrow(RangeError);
  });
});
