/**
 * The README's failure-report section shows stories and diagrams as the simulator prints them: each mermaid
 * block there is the diagram of a scenario's story, and each quoted story (its `[...]` cuts aside) is that
 * story with the diagram's step numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, SCENARIOS, simulate } from '../../index.js';
import { drawDiagram } from '../../reports/sequence-diagram.js';
import { explainInvariant } from '../../reports/story.js';
import { storyText } from '../../reports/story-types.js';
import { TraceFacts } from '../../reports/trace-facts.js';
import { mermaidBlocks } from './mermaid-parser.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Failure reports (markdown, with a sequence diagram)');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

/** The first story of every broken invariant of a scenario's at-least-once run, with its diagram. */
function printed(name: string): { text: string; diagram: string }[] {
  const scenario = SCENARIOS.find((item) => item.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  const result = simulate({ mode: 'at-least-once', seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
  const facts = new TraceFacts(result);
  return INVARIANT_NAMES.flatMap((invariant) => explainInvariant(result, invariant, facts).slice(0, 1)).map((story) => {
    const diagram = drawDiagram(facts, story);
    return { text: `**${story.msg}** *${story.mechanism}.* ${storyText(story, diagram.stepOf)}`, diagram: diagram.text };
  });
}

describe('README failure-report excerpts', () => {
  const shown = [...printed('lost-ack-retry'), ...printed('rebalance-duplicates')];

  it('shows diagrams exactly as the simulator draws them', () => {
    const blocks = mermaidBlocks(section);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) expect(shown.map((item) => item.diagram), block).toContain(block);
  });

  it('quotes stories with the step numbers of those diagrams', () => {
    const quotes = [...section.matchAll(/((?:^> .*\n)+)/gm)].map((match) => match[1].replace(/^> /gm, '').replace(/\n/g, ' ').trim()).filter((quote) => quote.startsWith('**m'));
    expect(quotes.length).toBeGreaterThanOrEqual(2);
    for (const quote of quotes) {
      expect(quote).toMatch(/\(step \d+\)|, step \d+\)/);
      const parts = quote.split(' [...] ');
      expect(shown.some((item) => parts.every((part) => item.text.includes(part))), quote).toBe(true);
    }
  });
});
