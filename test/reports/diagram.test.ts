/**
 * Sequence diagrams: every diagram the stories produce is accepted by mermaid's real parser, draws only the
 * story's steps, shows lost messages as failed arrows, crashes as notes, and replicas when a failover matters.
 */
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODE_NAMES, SCENARIOS, simulate } from '../../index.js';
import type { ModeName, SimulationResult, TraceEvent } from '../../index.js';
import { MAX_DIAGRAM_LINES, sequenceDiagram } from '../../reports/sequence-diagram.js';
import { explainInvariant } from '../../reports/story.js';
import { TraceFacts } from '../../reports/trace-facts.js';
import type { RunFacts } from '../../reports/trace-facts.js';
import { parseMermaid } from './mermaid-parser.js';

function scenarioRun(name: string, mode: ModeName): SimulationResult {
  const scenario = SCENARIOS.find((item) => item.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return simulate({ mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
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
          expect(text.split('\n').length).toBeLessThanOrEqual(MAX_DIAGRAM_LINES + 8);
          await expect(parseMermaid(text), text).resolves.toBe('sequence');
          parsed++;
        }
      }
    }
    expect(parsed).toBeGreaterThan(40);
  });

  it('draws a lost ack as a failed arrow back to the producer, and both appends', () => {
    const text = firstDiagram(scenarioRun('lost-ack-retry', 'at-least-once'), 'duplicates');
    expect(text).toMatch(/^ {2}B--xP: t=[\d.]+ ms: ack for m3 \(attempt 1\) LOST$/m);
    expect(text.match(/Note over B: t=[\d.]+ ms: append m3 at offset \d+/g)).toHaveLength(2);
    expect(text.match(/C->>D: .*committed, (1st|2nd) effect of m3/g)).toHaveLength(2);
    expect(text.split('\n').slice(1, 5)).toEqual(['  participant P as Producer', '  participant B as Broker', '  participant C as Consumer', '  participant D as DB']);
  });

  it('draws a lost request as a failed arrow and nothing else for acks=0', () => {
    const text = firstDiagram(scenarioRun('lost-request', 'at-most-once'), 'loss');
    expect(text).toBe(['sequenceDiagram', '  participant P as Producer', '  participant B as Broker', '  P-xB: t=4 ms: produce m3 (attempt 1) LOST'].join('\n'));
  });

  it('draws a consumer crash once, as a note naming the window', () => {
    const text = firstDiagram(scenarioRun('crash-after-early-commit', 'at-most-once'), 'loss');
    expect(text.match(/CRASH/g)).toHaveLength(1);
    expect(text).toMatch(/Note over C: t=[\d.]+ ms: CRASH right after fetching m3, before processing it/);
    expect(text).toMatch(/C->>B: t=[\d.]+ ms: commit offset 3 \(stored\)/);
    expect(text).toMatch(/B-->>C: t=[\d.]+ ms: committed offset 3: resume there/);
  });

  it('draws the broker as its replicas when a failover is part of the story', () => {
    const text = firstDiagram(scenarioRun('leader-failover-acks-1', 'at-least-once'), 'loss');
    expect(text).toContain('participant B0 as Broker replica 0');
    expect(text).toContain('participant B1 as Broker replica 1');
    expect(text).not.toContain('participant B as Broker');
    expect(text).toMatch(/Note over B0: .*leader replica 0 FAILS/);
    expect(text).toMatch(/Note over B1: .*replica 1 elected leader, log ends at offset 2/);
    expect(text).toMatch(/B0-->>P: .*ack m3/);
  });

  it('summarises what does not fit in one note, and stays valid', async () => {
    const result = simulate({ mode: 'at-least-once', seed: 3 });
    const records = result.trace.filter((record) => record.kind === 'send' || record.kind === 'append');
    expect(records.length).toBeGreaterThan(MAX_DIAGRAM_LINES);
    const text = sequenceDiagram(new TraceFacts(result), { records, msgs: ['m1'] });
    const body = text.split('\n').filter((line) => !line.startsWith('  participant') && line !== 'sequenceDiagram');
    expect(body).toHaveLength(MAX_DIAGRAM_LINES);
    expect(body.at(-1)).toMatch(/more steps: see the full trace/);
    await expect(parseMermaid(text)).resolves.toBe('sequence');
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
