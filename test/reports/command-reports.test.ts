/**
 * Reports of `check`, `shrink` and `compare` findings, built the way the CLI builds them (the commands'
 * collect functions, then the metadata helpers of cli/report-output.ts and the pure renderers): the title
 * states the break, the story names the witness and cites the minimal plan's faults, every diagram parses,
 * and the counterexample replay printed in the report reproduces the same run (same trace hash, verdict).
 */
import { describe, expect, it } from 'vitest';
import { collectCheck } from '../../cli/commands/check.js';
import { INVOCATION } from '../../cli/invocation.js';
import { collectCompare } from '../../cli/commands/compare.js';
import { collectShrink } from '../../cli/commands/shrink.js';
import type { Finding } from '../../cli/finding.js';
import { compareReportMeta, findingReportMeta } from '../../cli/report-output.js';
import { buildRunSpec } from '../../cli/run-options.js';
import { optionProperty } from '../../cli/setting-flags.js';
import { runSimulation } from '../../index.js';
import type { InvariantName } from '../../models/modes.js';
import { shellWords } from '../helpers/shell-words.js';
import { renderCompareReport, renderRunReport } from '../../reports/index.js';
import { mermaidBlocks, parseMermaid } from './mermaid-parser.js';

/** Replays a printed `simulate --mode ... --plan '...'` command in-process, through the CLI's own option parsing. */
function replay(command: string): ReturnType<typeof runSimulation> {
  expect(command.startsWith(`${INVOCATION} `), command).toBe(true);
  const args = shellWords(command.slice(INVOCATION.length + 1));
  const values: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 2) values[optionProperty(args[index].slice(2))] = args[index + 1];
  const spec = buildRunSpec(values);
  return runSimulation(spec.config, spec.faults);
}

async function expectFindingReport(markdown: string, finding: Finding): Promise<void> {
  const invariant = finding.result.invariants[finding.invariant as InvariantName];
  expect(markdown.split('\n')[0]).toContain(`${finding.invariant}: ${invariant.status}`);
  expect(markdown).toContain(`## Minimal fault plan (${finding.plan.faults.length} fault`);
  expect(markdown).toContain(`**${invariant.witnesses[0].msg}**`);
  // The minimal plan's faults are the ones the stories cite.
  expect(markdown).toMatch(new RegExp(`\\| ${finding.invariant} ${invariant.witnesses[0].msg}`));
  const blocks = mermaidBlocks(markdown);
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) await expect(parseMermaid(block)).resolves.toBe('sequence');
  const counterexample = /This one replays only the counterexample[^\n]*\n\n```sh\n(.*)\n```/.exec(markdown);
  expect(counterexample?.[1]).toBe(finding.replay);
  const replayed = replay(finding.replay);
  expect(replayed.traceHash()).toBe(finding.result.traceHash());
  expect(replayed.invariants[finding.invariant as InvariantName].status).toBe(invariant.status);
}

describe('reports of check, shrink and compare', () => {
  it('check: at-most-once loss, the minimal plan explained and replayable', async () => {
    const values = { mode: 'at-most-once', seed: '1', invariant: 'loss', runs: '200' };
    const run = collectCheck(values, () => 0);
    const finding = run.headline as Finding;
    expect(finding.plan.faults.length).toBeLessThanOrEqual(3);
    const meta = findingReportMeta('check', finding, run.spec, { report: 'check.md' }, ['check', ...run.spec.replayArgs, '--invariant', 'loss', '--runs', '200'], {
      runsSearched: run.searches[0].plansTried,
      search: run.searches.map((search) => ({ invariant: search.invariant, promised: search.promised, plansTried: search.plansTried, ...(search.finding ? { minimalFaults: search.finding.plan.faults.length } : {}) })),
    });
    const markdown = renderRunReport(finding.result, meta);
    expect(markdown).toContain('A counterexample found by `simulate check`');
    expect(markdown).toContain('simulate check --mode at-most-once --seed 1 --invariant loss --runs 200 --report check.md');
    await expectFindingReport(markdown, finding);
    expect(renderRunReport(finding.result, meta)).toBe(markdown);
  });

  it('shrink: an at-least-once seeded run shrunk to its duplicate', async () => {
    const run = collectShrink({ mode: 'at-least-once', seed: '42', invariant: 'duplicates' }, () => 0);
    const finding = run.headline as Finding;
    expect(finding.plan.faults.length).toBeLessThanOrEqual(3);
    const markdown = renderRunReport(finding.result, findingReportMeta('shrink', finding, run.spec, { report: 'shrink.md' }, ['shrink', ...run.spec.replayArgs, '--invariant', 'duplicates']));
    expect(markdown).toContain(`shrunk from ${finding.originalFaults} faults in ${finding.shrinkSteps} step`);
    await expectFindingReport(markdown, finding);
  });

  it('compare: one table, one diagram per mode that broke, the plan given to every mode', async () => {
    const run = collectCompare({ seed: '1', scenario: 'crash-after-db-commit' }, () => 0);
    const results = run.columns.map((column) => column.result);
    const markdown = renderCompareReport(results, compareReportMeta(run.spec, { report: 'compare.md' }, ['compare', ...run.spec.replayArgs], run.planSource, run.planFile, run.wallMs, 0));
    expect(markdown.split('\n')[0]).toBe(`# compare · seed 1 · at-most-once: every invariant holds · at-least-once: duplicates broken, as expected · exactly-once: every invariant holds`);
    expect(markdown).toContain('## Fault plan (1 fault, given to every mode)');
    expect(markdown).toContain('simulate compare --mode at-least-once --seed 1 --scenario crash-after-db-commit --report compare.md');
    const blocks = mermaidBlocks(markdown);
    expect(blocks).toHaveLength(results.filter((result) => result.verdict === 'violated' || Object.values(result.invariants).some((invariant) => !invariant.holds)).length);
    for (const block of blocks) await expect(parseMermaid(block)).resolves.toBe('sequence');
  });
});
