/** What a causal story is, and the small accumulator the story builders share. */
import type { TraceEvent } from '../models/events.js';
import type { InvariantName } from '../models/modes.js';
import { at } from './format.js';
import type { TraceFacts } from './trace-facts.js';

/**
 * Re-applications (or attempts) a story tells one by one; more are counted, not told. A message applied thousands of
 * times (a request timeout shorter than the network's latency re-sends it endlessly) made a story of thousands of
 * clauses whose searches took minutes.
 */
export const TOLD_MAX = 5;

/** "", or "; then N more times, not told here" after the told re-applications of a message applied `times` times. */
export function untoldApplications(times: number): string {
  const untold = times - 1 - TOLD_MAX;
  return untold > 0 ? `; then ${untold} more time${untold === 1 ? '' : 's'}, not told here` : '';
}

export interface Story {
  /** The invariant it explains a break of, or `parked` for a record the failure policy dead-lettered. */
  invariant: InvariantName | 'parked';
  /** The witness message ('' for liveness, which has none). */
  msg: string;
  /** The mechanism in a few words, e.g. "lost ack, then a retry: duplicate append". */
  mechanism: string;
  /** One paragraph in domain words, built from the trace (plain: no step numbers). */
  text: string;
  /**
   * The same paragraph with a step marker after each cited moment; a report resolves the markers against
   * its diagram's numbering ("at t=5.2 ms (step 4)"), so story and diagram cannot disagree. See withSteps.
   */
  template?: string;
  /** The trace records the story rests on, in trace order: what the sequence diagram draws. */
  records: TraceEvent[];
  /** Messages the story is about, the witness first. */
  msgs: string[];
}

/*
 * A step marker is a key between two private-use characters. Keys are a record's position in the run's trace,
 * or that position and a suffix for a step the trace has no record of (":check", the dedup check before a write).
 */
const OPEN = '\u{E000}';
const CLOSE = '\u{E001}';
const MARKER = /\u{E000}([^\u{E001}]*)\u{E001}(?:(\))|( \([^()\u{E000}]*)\))?/gu;

export function stepMarker(key: string): string {
  return `${OPEN}${key}${CLOSE}`;
}

/** The key of a record's step: its position in the whole run's trace. */
export function stepKey(facts: TraceFacts, record: TraceEvent, suffix = ''): string {
  return `${facts.runIndex(record)}${suffix}`;
}

/**
 * A story template with its markers resolved: " (step 7)", or ", step 7" inside the parenthesis the marker
 * closes or that follows it ("(t=4.2 ms, step 2)", "at t=21 ms (attempt 2, step 8)"), so a sentence never
 * stacks two parentheses. A marker whose step is not drawn (cut from a long diagram) vanishes, so no sentence
 * points at a step that is not there.
 */
export function resolveSteps(template: string, stepOf: (key: string) => number | undefined): string {
  return template.replace(MARKER, (_match, key: string, closing: string | undefined, following: string | undefined) => {
    const step = stepOf(key);
    const after = following === undefined ? (closing ?? '') : `${following})`;
    if (step === undefined) return after;
    if (closing !== undefined) return `, step ${step})`;
    if (following !== undefined) return `${following}, step ${step})`;
    return ` (step ${step})`;
  });
}

/** Every step key a template cites, in order. */
export function citedKeys(template: string): string[] {
  return [...template.matchAll(MARKER)].map((match) => match[1]);
}

/** A story as built (its text holding markers) made ready: plain text for everyone, the template for reports. */
export function finished(story: Story): Story {
  return { ...story, text: resolveSteps(story.text, () => undefined), template: story.text };
}

/** A story's text with the step numbers of a diagram drawn from it (plain without one). */
export function storyText(story: Story, stepOf?: (key: string) => number | undefined): string {
  if (stepOf === undefined || story.template === undefined) return story.text;
  return resolveSteps(story.template, stepOf);
}

/** Collects the records a story cites; returns them once each, in trace order. */
export class Citations {
  private readonly cited = new Set<TraceEvent>();

  constructor(private readonly facts: TraceFacts) {}

  add(...records: (TraceEvent | undefined)[]): void {
    for (const record of records) if (record !== undefined) this.cited.add(record);
  }

  /** "t=4.245 ms" and the record's step marker: cites the record and points the reader at its step. */
  at(record: TraceEvent): string {
    this.add(record);
    return `${at(record.t)}${this.step(record)}`;
  }

  /** The record's step marker alone (the record is cited). */
  step(record: TraceEvent | undefined, suffix = ''): string {
    if (record === undefined) return '';
    this.add(record);
    return stepMarker(stepKey(this.facts, record, suffix));
  }

  list(): TraceEvent[] {
    return [...this.cited].sort((a, b) => this.facts.indexOf(a) - this.facts.indexOf(b));
  }
}
