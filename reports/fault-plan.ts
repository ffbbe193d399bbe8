/**
 * A fault plan for readers: a table in words (which story each fault explains) and the JSON a user can
 * save as a plan file, one fault per line so a diff between two plans reads line by line. A long run injects
 * faults by the hundred thousand: its report lists the first ones and those its stories cite, and leaves the whole
 * plan to `--emit-plan` (a million-message run's report was 23 MB, nearly all of it the plan, twice over).
 */
import { describeFault, faultKey } from '../models/faults/catalog.js';
import type { FamilyName } from '../models/config.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { fenced, table } from './markdown.js';
import type { Story } from './story-types.js';

/** Which stories cite each fault (by its domain key), as "duplicates m3". */
function citations(stories: readonly Story[]): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const story of stories) {
    for (const record of story.records) {
      if (record.kind !== 'fault') continue;
      const key = faultKey(record.fault);
      const label = story.msg === '' ? story.invariant : `${story.invariant} ${story.msg}`;
      const list = cited.get(key) ?? [];
      if (!list.includes(label)) list.push(label);
      cited.set(key, list);
    }
  }
  return cited;
}

/** Faults a plan's table lists before it shortens; the faults a story cites are listed wherever they are. */
export const PLAN_ROWS_MAX = 50;
/** Faults a report embeds as a replayable JSON plan; a longer one is left to `--emit-plan`. */
export const PLAN_JSON_FAULTS_MAX = 200;

/** `family`: the broker family whose words describe the faults (Kafka's without it). */
export function faultPlanTable(plan: FaultPlan, stories: readonly Story[], family?: FamilyName): string {
  const cited = citations(stories);
  const rows: string[][] = [];
  plan.faults.forEach((fault, index) => {
    const cites = cited.get(faultKey(fault));
    if (index < PLAN_ROWS_MAX || cites !== undefined) rows.push([String(index + 1), fault.kind, describeFault(fault, family), cites?.join(', ') ?? '—']);
  });
  const shown = table(['#', 'fault', 'in words', 'explains'], rows, ['r', 'l', 'l', 'l']);
  const left = plan.faults.length - rows.length;
  return left === 0 ? shown : `${shown}\n\n… and ${left} more faults, not listed (the table lists the first ${PLAN_ROWS_MAX} and every fault a story cites; \`--emit-plan FILE\` writes them all).`;
}

/** True when a report embeds this plan as JSON (at most PLAN_JSON_FAULTS_MAX faults). */
export function embedsPlan(plan: FaultPlan): boolean {
  return plan.faults.length <= PLAN_JSON_FAULTS_MAX;
}

/**
 * The plan as a fenced JSON block to save as a plan file, or, for a plan too long to read here, a sentence
 * saying how to get it (`--emit-plan`; the replay command reproduces the run either way).
 */
export function faultPlanBlock(plan: FaultPlan): string {
  if (embedsPlan(plan)) return fenced('json', faultPlanJson(plan));
  return `The ${plan.faults.length} faults are too many to embed here as JSON: \`--emit-plan FILE\` writes them as a plan file.`;
}

/** Valid JSON, one fault per line; parses back to the same plan. */
export function faultPlanJson(plan: FaultPlan): string {
  if (plan.faults.length === 0) return `{ "version": ${plan.version}, "faults": [] }`;
  const faults = plan.faults.map((fault) => `    ${JSON.stringify(fault)}`).join(',\n');
  return `{\n  "version": ${plan.version},\n  "faults": [\n${faults}\n  ]\n}`;
}
