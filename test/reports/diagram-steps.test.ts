/**
 * One numbering for story and diagram, over every story of every scenario in every mode: each write comes after
 * the delivery that led to it, a failed replica is silent until it restarts, every arrow carries its send time
 * in order, the diagram is numbered and closes with the outcome, and each step a story cites exists and is
 * about the record it cites.
 */
import { describe, expect, it } from 'vitest';
import { INVARIANT_NAMES, MODE_NAMES, SCENARIOS, simulate } from '../../index.js';
import type { SimulationResult, TraceEvent } from '../../index.js';
import { drawDiagram } from '../../reports/sequence-diagram.js';
import type { Diagram } from '../../reports/sequence-diagram.js';
import { explainInvariant } from '../../reports/story.js';
import type { Story } from '../../reports/story-types.js';
import { citedKeys, storyText } from '../../reports/story-types.js';
import { TraceFacts, mentionedMessages } from '../../reports/trace-facts.js';

interface Drawn {
  name: string;
  result: SimulationResult;
  story: Story;
  diagram: Diagram;
}

/**
 * Every scenario, plus auto-commit-slow-consumer with librdkafka's background auto-commit: with the Java client's
 * (the default) that scenario breaks nothing, and the background commit's loss story and diagram need a run.
 */
const slowAutoCommit = SCENARIOS.find((scenario) => scenario.name === 'auto-commit-slow-consumer');
const DRAWN_SCENARIOS = [...SCENARIOS, ...(slowAutoCommit === undefined ? [] : [{ ...slowAutoCommit, name: 'auto-commit-slow-consumer/background', settings: { ...slowAutoCommit.settings, autoCommitStyle: 'background' as const }, expected: { ...slowAutoCommit.expected, 'at-least-once': { loss: 'breaks', duplicates: 'holds', order: 'holds' } as const } }])];

function everyDiagram(): Drawn[] {
  const out: Drawn[] = [];
  for (const scenario of DRAWN_SCENARIOS) {
    for (const mode of MODE_NAMES) {
      const result = simulate({ family: scenario.family, mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
      const facts = new TraceFacts(result);
      for (const invariant of INVARIANT_NAMES) {
        for (const story of explainInvariant(result, invariant, facts)) {
          if (story.records.length > 0) out.push({ name: `${scenario.name} ${mode} ${invariant} ${story.msg}`, result, story, diagram: drawDiagram(facts, story) });
        }
      }
    }
  }
  return out;
}

const all = everyDiagram();
const from = (step: string): string => step.slice(0, step.search(/-->>|->>|--x|-x/));
const to = (step: string): string => step.slice(step.search(/-->>|->>|--x|-x/)).replace(/^(-->>|->>|--x|-x)/, '').split(':')[0];
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a step about a record without a message must say. */
const WORD_OF_KIND: Partial<Record<TraceEvent['kind'], RegExp>> = {
  crash: /CRASH/,
  restart: /restart/,
  'leader-failed': /FAILS/,
  'leader-elected': /elected leader/,
  'replica-restarted': /restarts/,
  resumed: /resume there/,
  'offset-committed': /commit offset/,
  'commit-sent': /commit offset/,
  'auto-commit-sent': /auto-commit offset/,
  'partition-start': /link .* cut/,
  'member-expired': /no heartbeat/,
  'member-left': /left/,
  'member-removed': /removed/,
  rebalanced: /generation/,
  assigned: /joined/,
  'node-restarted': /node restarted/,
  'channel-closed': /channel \d+ of \S+ closed/,
  'consumer-activated': /\S+ is the single active consumer of queue \S+/,
  'connection-lost': /connection lost/,
  'basic-consume': /basic\.consume/,
  // A Kafka broker cluster's controller and replication.
  'broker-fenced': /fenced/,
  'leader-chosen': /leads in epoch|offline/,
  'isr-shrunk': /out of the ISR/,
  'isr-expanded': /back in the ISR/,
  'epoch-end-answered': /OffsetsForLeaderEpoch/,
  'offset-reset': /auto\.offset\.reset=latest starts at its end|out of range .*: reset to the leader's end/,
};

describe('diagram steps', () => {
  it('covers every scenario', () => {
    const scenarios = new Set(all.map((drawn) => drawn.name.split(' ')[0]));
    // Every scenario that expects a break or a parked record in some mode (seed 1 of `default` may break nothing).
    const told = (expected: object): boolean => Object.values(expected).some((value) => value === 'breaks' || value === 'may-break' || value === 'some');
    const breaking = DRAWN_SCENARIOS.filter((scenario) => Object.values(scenario.expected).some(told));
    expect(scenarios.size).toBe(breaking.filter((scenario) => scenario.name !== 'default' || all.some((drawn) => drawn.name.startsWith('default '))).length);
    expect(scenarios).toContain('auto-commit-slow-consumer/background');
    expect(all.length).toBeGreaterThan(40);
  });

  it('numbers the steps and closes with the outcome', () => {
    for (const { name, diagram, story } of all) {
      const lines = diagram.text.split('\n');
      expect(lines, name).toContain('  autonumber');
      expect(lines.indexOf('  autonumber'), name).toBeLessThan(lines.findIndex((line) => line.includes(diagram.steps[0] ?? '\u0000')));
      expect(lines.at(-1), name).toMatch(/^ {2}Note over \S+: outcome: \S/);
      if (story.invariant === 'duplicates') {
        expect(lines.at(-1), name).toMatch(new RegExp(`outcome: ${story.msg} applied (twice|\\d+ times)$`));
        // Effects are counted within the story's group: its first one is the 1st, whatever other groups did.
        expect(diagram.steps.find((step) => step.includes(`effect of ${story.msg}`)), name).toMatch(new RegExp(`, 1st effect of ${story.msg}$`));
      }
      if (story.invariant === 'loss') expect(lines.at(-1), name).toMatch(new RegExp(`outcome: ${story.msg} lost: (acknowledged, )?never applied$`));
    }
  });

  it('draws the delivery of every message before its write', () => {
    let writes = 0;
    for (const { name, diagram } of all) {
      diagram.steps.forEach((step, index) => {
        const write = /^(\S+?)->>D: [^:]*: (?:write|dedup check) (\S+?)[: ]/.exec(step);
        if (write === null) return;
        writes++;
        const [, member, msg] = write;
        const delivered = diagram.steps.slice(0, index).some((earlier) => to(earlier) === member && new RegExp(`: deliver (\\S+, )*${escapeRegExp(msg)}[, ]`).test(earlier));
        expect(delivered, `${name}: ${step}\n${diagram.text}`).toBe(true);
      });
    }
    expect(writes).toBeGreaterThan(30);
  });

  it('never lets a failed replica act between its failure and its restart', () => {
    let failures = 0;
    for (const { name, diagram } of all) {
      const down = new Set<string>();
      for (const step of diagram.steps) {
        const speaker = from(step);
        const restarted = /^(B\d+)->>\1: .*restarts/.exec(step);
        if (restarted !== null) down.delete(restarted[1]);
        expect(down.has(speaker), `${name}: ${step}\n${diagram.text}`).toBe(false);
        if (/^B\d+-xB\d+: .*FAILS/.test(step)) {
          down.add(speaker);
          failures++;
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('labels every arrow with its send time, in time order', () => {
    for (const { name, diagram } of all) {
      let last = -1;
      for (const step of diagram.steps) {
        const time = /: (?:by )?t=([\d.]+) ms: /.exec(step);
        expect(time, `${name}: ${step}`).not.toBeNull();
        const ms = Number(time?.[1]);
        expect(ms, `${name}: ${step}\n${diagram.text}`).toBeGreaterThanOrEqual(last);
        last = ms;
      }
    }
  });

  it('cites step numbers that exist and are about the record the story cites', () => {
    let cited = 0;
    for (const { name, result, story, diagram } of all) {
      const text = storyText(story, diagram.stepOf);
      expect(text, name).not.toMatch(/[\u{E000}\u{E001}]/u);
      const numbers = [...text.matchAll(/[ (]step (\d+)\)/g)].map((match) => Number(match[1]));
      for (const number of numbers) expect(diagram.steps[number - 1], `${name}: step ${number}`).toBeDefined();
      for (const key of citedKeys(story.template ?? '')) {
        const step = diagram.stepOf(key);
        if (step === undefined) continue;
        cited++;
        expect(numbers, `${name}: ${key}`).toContain(step);
        const line = diagram.steps[step - 1];
        const record = result.trace[Number.parseInt(key, 10)];
        if (key.endsWith(':check')) {
          expect(line, name).toMatch(new RegExp(`dedup check ${escapeRegExp((record as { msg: string }).msg)} `));
          continue;
        }
        const msgs = mentionedMessages(record);
        const word = WORD_OF_KIND[record.kind];
        if (word !== undefined) expect(line, `${name}: ${record.kind}`).toMatch(word);
        else if (msgs.length > 0) expect(msgs.some((msg) => new RegExp(`\\b${escapeRegExp(msg)}\\b`).test(line)), `${name}: ${record.kind} ${msgs.join(',')} -> ${line}`).toBe(true);
        else if (record.kind === 'fault') expect(diagram.text, `${name}: ${line}`).toContain(`  rect rgb(255, 228, 228)\n    ${line}`);
        else expect.fail(`${name}: no check for a cited ${record.kind} step (${line})`);
      }
    }
    expect(cited).toBeGreaterThan(100);
  });
});
