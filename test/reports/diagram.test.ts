/**
 * Sequence diagrams: every diagram the stories produce is accepted by mermaid's real parser, draws only the
 * story's steps, shows lost messages as failed arrows, crashes as notes, and replicas when a failover matters.
 */
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODE_NAMES, SCENARIOS, simulate } from '../../index.js';
import type { ModeName, SimulationResult, TraceEvent } from '../../index.js';
import { MAX_DIAGRAM_LINES, drawDiagram, sequenceDiagram } from '../../reports/sequence-diagram.js';
import { resolveSteps, stepKey, stepMarker, storyText } from '../../reports/story-types.js';
import { explainInvariant } from '../../reports/story.js';
import { TraceFacts } from '../../reports/trace-facts.js';
import type { RunFacts } from '../../reports/trace-facts.js';
import { parseMermaid } from './mermaid-parser.js';

function scenarioRun(name: string, mode: ModeName): SimulationResult {
  const scenario = SCENARIOS.find((item) => item.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return simulate({ family: scenario.family, mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
}

function firstDiagram(result: SimulationResult, invariant: (typeof INVARIANT_NAMES)[number]): string {
  const [story] = explainInvariant(result, invariant);
  return sequenceDiagram(new TraceFacts(result), story);
}

describe('sequence diagrams', () => {
  it('every story of every scenario and of seeded runs yields a diagram mermaid accepts', async () => {
    const runs: SimulationResult[] = [];
    for (const scenario of SCENARIOS) for (const mode of MODE_NAMES) runs.push(scenarioRun(scenario.name, mode));
    for (const mode of MODE_NAMES) for (let seed = 1; seed <= 6; seed++) runs.push(simulate({ mode, seed }));
    let parsed = 0;
    for (const result of runs) {
      const facts = new TraceFacts(result);
      for (const name of INVARIANT_NAMES) {
        for (const story of explainInvariant(result, name, facts)) {
          const text = sequenceDiagram(facts, story);
          expect(drawDiagram(facts, story).steps.length).toBeLessThanOrEqual(MAX_DIAGRAM_LINES);
          await expect(parseMermaid(text), text).resolves.toBe('sequence');
          parsed++;
        }
      }
    }
    expect(parsed).toBeGreaterThan(40);
  });

  it('draws a lost ack as a failed reply in a fault block, both appends as the broker\'s own steps, and both effects', () => {
    const text = firstDiagram(scenarioRun('lost-ack-retry', 'at-least-once'), 'duplicates');
    expect(text).toMatch(/^ {2}rect rgb\(255, 228, 228\)\n {4}B--xP: t=[\d.]+ ms: ack for m3 \(attempt 1\) LOST\n {2}end$/m);
    expect(text.match(/B->>B: t=[\d.]+ ms: append m3 at offset \d+/g)).toHaveLength(2);
    expect(text.match(/C->>D: .*committed at t=[\d.]+ ms, (1st|2nd) effect of m3/g)).toHaveLength(2);
    expect(text.split('\n').slice(1, 5)).toEqual(['  participant P as Producer', '  participant B as Broker', '  participant C as Consumer', '  participant D as DB']);
  });

  it('draws a lost request as a failed arrow and nothing else for acks=0', () => {
    const text = firstDiagram(scenarioRun('lost-request', 'at-most-once'), 'loss');
    expect(text).toBe(
      [
        'sequenceDiagram',
        '  participant P as Producer',
        '  participant B as Broker',
        '  autonumber',
        '  Note over P,B: times are virtual. t= is when each message was sent',
        '  rect rgb(255, 228, 228)',
        '    P-xB: t=4 ms: produce m3 (attempt 1) LOST',
        '  end',
        '  Note over P,B: outcome: m3 lost: never applied',
      ].join('\n'),
    );
  });

  it('draws a consumer crash once, as the consumer\'s own failed step naming the window', () => {
    const text = firstDiagram(scenarioRun('crash-after-early-commit', 'at-most-once'), 'loss');
    expect(text.match(/CRASH/g)).toHaveLength(1);
    expect(text).toMatch(/C-xC: t=[\d.]+ ms: CRASH right after fetching m3, before processing it/);
    expect(text).toMatch(/C->>B: t=[\d.]+ ms: commit offset 3 \(stored\)/);
    expect(text).toMatch(/B-->>C: by t=[\d.]+ ms: committed offset 3: resume there/);
  });

  it('draws the broker as its replicas when a failover is part of the story; the failed leader answers before it fails and acts again only after its restart', () => {
    const result = scenarioRun('leader-failover-acks-1', 'at-least-once');
    const text = firstDiagram(result, 'loss');
    expect(text).toContain('participant B0 as Broker replica 0');
    expect(text).toContain('participant B1 as Broker replica 1');
    expect(text).not.toContain('participant B as Broker');
    const append = result.trace.find((record) => record.kind === 'append' && record.msg === 'm3') as TraceEvent;
    const steps = text.split('\n').filter((line) => /^ +\S+(->>|-->>|-x|--x)\S+: /.test(line)).map((line) => line.trim());
    const ack = steps.findIndex((line) => /^B0-->>P: t=[\d.]+ ms: ack m3/.test(line));
    const fails = steps.findIndex((line) => /^B0-xB0: .*leader replica 0 FAILS/.test(line));
    const restart = steps.findIndex((line) => /^B0->>B0: .*replica 0 restarts/.test(line));
    const truncate = steps.findIndex((line) => /^B0->>B0: .*replica 0 truncates m3/.test(line));
    // acks=1: the leader answers right after its own append, so the ack carries the append's time and comes before the failure.
    expect(steps[ack]).toContain(`t=${append.t / 1000} ms: ack m3`);
    expect(ack).toBeGreaterThan(-1);
    expect(ack).toBeLessThan(fails);
    expect(restart).toBeGreaterThan(fails);
    expect(truncate).toBeGreaterThan(restart);
    expect(text).toMatch(/B1->>B1: .*replica 1 elected leader, log ends at offset 2/);
  });

  it('draws the dedup check before each write and the mark after it when the group dedups in a separate transaction', () => {
    const result = scenarioRun('dedup-outside-transaction', 'at-least-once');
    const facts = new TraceFacts(result);
    const [story] = explainInvariant(result, 'duplicates', facts);
    const diagram = drawDiagram(facts, story);
    const steps = diagram.steps;
    const checks = steps.flatMap((line, index) => (/^C->>D: t=[\d.]+ ms: dedup check m3 \(attempt \d+\): not seen yet$/.test(line) ? [index] : []));
    const writes = steps.flatMap((line, index) => (/^C->>D: .*write m3: committed/.test(line) ? [index] : []));
    const marks = steps.flatMap((line, index) => (/^C->>D: .*mark m3 as seen/.test(line) ? [index] : []));
    const crash = steps.findIndex((line) => line.startsWith('C-xC:'));
    expect(checks).toHaveLength(2);
    expect(writes).toHaveLength(2);
    // No mark between the first effect and the crash: that is the gap; the second effect is marked.
    expect(marks).toHaveLength(1);
    expect(checks[0]).toBeLessThan(writes[0]);
    expect(writes[0]).toBeLessThan(crash);
    expect(crash).toBeLessThan(checks[1]);
    expect(checks[1]).toBeLessThan(writes[1]);
    expect(writes[1]).toBeLessThan(marks[0]);
    // The story's "the dedup check on re-delivery found nothing" points at the second check.
    const text = storyText(story, diagram.stepOf);
    expect(text).toContain(`the dedup check on re-delivery found nothing (step ${checks[1] + 1})`);
  });

  it('summarises what does not fit in one note, stays valid, and drops the step numbers of cut records from the story', async () => {
    const result = simulate({ mode: 'at-least-once', seed: 3 });
    const records = result.trace.filter((record) => record.kind === 'send' || record.kind === 'append');
    expect(records.length).toBeGreaterThan(MAX_DIAGRAM_LINES);
    const facts = new TraceFacts(result);
    const diagram = drawDiagram(facts, { records, msgs: ['m1'] });
    expect(diagram.steps).toHaveLength(MAX_DIAGRAM_LINES - 1);
    const body = diagram.text.split('\n');
    expect(body.at(-1)).toMatch(/more steps: see the full trace/);
    await expect(parseMermaid(diagram.text)).resolves.toBe('sequence');
    const kept = records[0];
    const cut = records.at(-1) as TraceEvent;
    const template = `first at t=1 ms${stepMarker(stepKey(facts, kept))}; last at t=9 ms${stepMarker(stepKey(facts, cut))}; last again (t=9 ms${stepMarker(stepKey(facts, cut))})`;
    expect(resolveSteps(template, diagram.stepOf)).toBe('first at t=1 ms (step 1); last at t=9 ms; last again (t=9 ms)');
  });

  it('escapes whatever a trace carries into labels (quotes, arrows, #, ;, non-ASCII)', async () => {
    const msg = 'm"1;#-->é한글';
    const trace: TraceEvent[] = [
      { t: 0, actor: 'producer', kind: 'send', msg, attempt: 1, partition: 0 },
      { t: 0, actor: 'faults', kind: 'fault', msg, fault: { kind: 'request-lost', message: msg, attempt: 1 } },
      { t: 1000, actor: 'producer', kind: 'request-timeout', msg, attempt: 1 },
      { t: 2000, actor: 'consumer', kind: 'crash' },
      { t: 3000, actor: 'consumer', kind: 'restart' },
      { t: 4000, actor: 'network', kind: 'partition-start', link: 'consumer<->db', untilUs: 5000 },
    ];
    const run: RunFacts = {
      config: simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 1 } }).config,
      workload: [{ id: msg, index: 0, key: 'k;"0', partition: 0, producer: 'p1', orderKey: 'k;"0', keySeq: 0, handoverUs: 0 }],
      trace,
      effects: [],
      outcome: { kind: 'quiescent' },
      brokerAcked: [],
    };
    const text = sequenceDiagram(new TraceFacts(run), { records: trace, msgs: [msg] });
    expect(text).toContain('P-xB: t=0 ms: produce m#34;1#59;#35;--#62;#233;#54620;#44544; (attempt 1) LOST');
    expect(text).toMatch(/^[\x20-\x7e\n]+$/);
    await expect(parseMermaid(text)).resolves.toBe('sequence');
  });
});

describe('a broker cluster diagram', () => {
  it("draws each fetch from the partition's leader then, not from the controller", async () => {
    let checked = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const result = simulate({ mode: 'at-least-once', seed, faults: 'chaos', settings: { nodes: 3 } });
      const facts = new TraceFacts(result);
      for (const name of INVARIANT_NAMES) {
        for (const story of explainInvariant(result, name)) {
          const text = sequenceDiagram(facts, story);
          const deliveries = text.split('\n').filter((line) => line.includes(': deliver '));
          for (const line of deliveries) {
            const from = /^\s+(\w+)->>/.exec(line)?.[1];
            // The consumer fetched from a broker of the cluster (the controller answers a fetch only without records).
            expect(from, line).toMatch(/^B\d$/);
            checked++;
          }
          await expect(parseMermaid(text)).resolves.toBe('sequence');
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});
