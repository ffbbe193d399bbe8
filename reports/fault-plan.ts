/**
 * A fault plan for readers: a table in words (which story each fault explains) and the JSON a user can
 * save as a plan file, one fault per line so a diff between two plans reads line by line.
 */
import { describeFault, faultKey } from '../models/faults/catalog.js';
import type { FaultPlan } from '../models/faults/catalog.js';
import { table } from './markdown.js';
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

export function faultPlanTable(plan: FaultPlan, stories: readonly Story[]): string {
  const cited = citations(stories);
  const rows = plan.faults.map((fault, index) => [String(index + 1), fault.kind, describeFault(fault), (cited.get(faultKey(fault)) ?? []).join(', ') || '—']);
  return table(['#', 'fault', 'in words', 'explains'], rows, ['r', 'l', 'l', 'l']);
}

/** Valid JSON, one fault per line; parses back to the same plan. */
export function faultPlanJson(plan: FaultPlan): string {
  if (plan.faults.length === 0) return `{ "version": ${plan.version}, "faults": [] }`;
  const faults = plan.faults.map((fault) => `    ${JSON.stringify(fault)}`).join(',\n');
  return `{\n  "version": ${plan.version},\n  "faults": [\n${faults}\n  ]\n}`;
}
