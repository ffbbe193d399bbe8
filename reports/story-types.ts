/** What a causal story is, and the small accumulator the story builders share. */
import type { TraceEvent } from '../models/events.js';
import type { InvariantName } from '../models/modes.js';
import type { TraceFacts } from './trace-facts.js';

export interface Story {
  /** The invariant it explains a break of, or `parked` for a record the failure policy dead-lettered. */
  invariant: InvariantName | 'parked';
  /** The witness message ('' for liveness, which has none). */
  msg: string;
  /** The mechanism in a few words, e.g. "lost ack, then a retry: duplicate append". */
  mechanism: string;
  /** One paragraph in domain words, built from the trace. */
  text: string;
  /** The trace records the story rests on, in trace order: what the sequence diagram draws. */
  records: TraceEvent[];
  /** Messages the story is about, the witness first. */
  msgs: string[];
}

/** Collects the records a story cites; returns them once each, in trace order. */
export class Citations {
  private readonly cited = new Set<TraceEvent>();

  constructor(private readonly facts: TraceFacts) {}

  add(...records: (TraceEvent | undefined)[]): void {
    for (const record of records) if (record !== undefined) this.cited.add(record);
  }

  list(): TraceEvent[] {
    return [...this.cited].sort((a, b) => this.facts.indexOf(a) - this.facts.indexOf(b));
  }
}
