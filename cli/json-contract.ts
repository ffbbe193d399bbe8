/**
 * The versioned `--json` contract every command shares: an envelope (`schemaVersion`, `tool`, `command`), one
 * witness shape, one name for a fault plan (`plan`) and for counts per fault kind (`faultCounts`). The JSON Schemas
 * in schemas/ describe it (cli/json-schemas.ts generates them); see README "JSON output" for the compatibility rule.
 */
import { describeFault } from '../models/faults/catalog.js';
import type { FamilyName } from '../models/config.js';
import { workloadIndex } from '../models/workload.js';
import type { InvariantResult, Witness } from '../models/invariants/index.js';
import type { SimulationResult } from '../models/engine.js';
import { TraceFacts, explainWitness } from '../reports/index.js';
import type { Story } from '../reports/index.js';
import { parkedStory } from '../reports/story-failures.js';
import { toolVersion } from './report-output.js';

/**
 * Bumped on a breaking change: a field removed, renamed or given another type or meaning. Adding a field is not
 * breaking, so readers must ignore fields they do not know.
 */
export const SCHEMA_VERSION = 1;

export type CommandName = 'run' | 'check' | 'shrink' | 'compare' | 'sweep' | 'explore' | 'list';

/** What every `--json` object starts with. */
export function envelope(command: CommandName, body: Record<string, unknown>): Record<string, unknown> {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: 'delivery-sim', version: toolVersion() }, command, ...body };
}

/** Faults a story cites, in words (`family`'s): once each, in trace order. */
export function storyFaults(story: Story, family?: FamilyName): string[] {
  const words = story.records.flatMap((record) => (record.kind === 'fault' ? [describeFault(record.fault, family)] : []));
  return words.filter((text, index) => words.indexOf(text) === index);
}

/** A story's mechanism, or null when no story builder recognised it (the summary is all there is). */
export function storyHow(story: Story): string | null {
  return story.mechanism === 'see the trace' ? null : story.mechanism;
}

/** Explains the witnesses of one run in the shape every command prints. */
export class WitnessWriter {
  private facts: TraceFacts | undefined;

  constructor(private readonly result: SimulationResult) {}

  /** `{ msg, key, group?, summary, how, because, records }`: the same shape in run, check, shrink and compare. */
  witness(invariant: InvariantResult, witness: Witness): Record<string, unknown> {
    return this.shape(witness, explainWitness(this.factsOf(), invariant, witness));
  }

  /**
   * A message the log holds twice, in the same shape: told as a duplicate when the DB applied it twice too (the story
   * then says how the log came to hold it twice), otherwise by its summary and the faults that touched it.
   */
  logDuplicate(witness: Witness): Record<string, unknown> {
    return this.witness(this.result.invariants.duplicates, witness);
  }

  /** A record parked in the dead-letter topic, in the same shape. */
  parked(witness: Witness): Record<string, unknown> {
    return this.shape(witness, parkedStory(this.factsOf().scoped(witness.group), witness.msg));
  }

  /** A message returned by the broker (basic.return): its summary, no story. */
  returned(witness: Witness): Record<string, unknown> {
    return this.shape(witness, undefined);
  }

  private shape(witness: Witness, story: Story | undefined): Record<string, unknown> {
    return {
      msg: witness.msg === '' ? null : witness.msg,
      key: this.keyOf(witness.msg),
      ...(witness.group !== undefined ? { group: witness.group } : {}),
      summary: witness.summary,
      how: story === undefined ? null : storyHow(story),
      because: story === undefined ? [] : storyFaults(story, this.result.config.family),
      records: witness.records,
    };
  }

  /**
   * The key of the message with this id (the last one holding it, as a map of ids would say), through the checkers'
   * index of the workload: a map of 100,000 ids was a tenth of a long run's JSON.
   */
  private keyOf(msg: string): string | null {
    const workload = this.result.messages;
    const index = workloadIndex(workload);
    const position = index.positionOf(msg);
    return position < 0 ? null : workload.keyAt(index.last[position]);
  }

  private factsOf(): TraceFacts {
    return (this.facts ??= new TraceFacts(this.result));
  }
}
