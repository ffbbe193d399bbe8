/**
 * The regression corpus: minimal fault plans that once broke something (found by the property suites and
 * `simulate check`), each with the world it runs in and the verdict every mode must reach. Each entry is
 * replayed under every mode through the library, and once through the CLI's own option parsing (its
 * `flags` plus `--plan`), which must build the same world and the same trace.
 *
 * Add an entry: a JSON file here with name, why, seed, workload, settings, flags, plan and expected
 * (per mode: the status of each invariant and how many of the plan's faults fired).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRunSpec } from '../../cli/run-options.js';
import { optionProperty } from '../../cli/setting-flags.js';
import { INVARIANT_NAMES, MODE_NAMES, parsePlan, resolveConfig, runPlan, runSimulation } from '../../index.js';
import type { DeliverySettings, FaultPlan, InvariantName, InvariantStatus, ModeName, TimingSettings, TopologySettings, WorkloadSettings } from '../../index.js';

interface CorpusEntry {
  name: string;
  why: string;
  seed: number;
  workload: Partial<WorkloadSettings>;
  settings: Partial<DeliverySettings>;
  /** Optional (explore --emit-corpus writes them): the topology and timing the plan was found in. */
  topology?: Partial<TopologySettings>;
  timing?: Partial<TimingSettings>;
  /** The CLI flags of this world (all but --mode and --plan). */
  flags: string;
  plan: FaultPlan;
  expected: Record<ModeName, Record<InvariantName, InvariantStatus> & { faultsFired: number }>;
}

const folder = new URL('./', import.meta.url);
const entries: CorpusEntry[] = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => {
    const entry = JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as CorpusEntry;
    expect(`${entry.name}.json`).toBe(file);
    return entry;
  });

/** `--seed 1 --acks 1` -> commander-style values ({ seed: '1', acks: '1' }). */
function flagValues(flags: string): Record<string, string> {
  const words = flags.split(' ').filter((word) => word !== '');
  const values: Record<string, string> = {};
  for (let index = 0; index < words.length; index += 2) {
    expect(words[index].startsWith('--'), `flag expected at ${words[index]}`).toBe(true);
    values[optionProperty(words[index].slice(2))] = words[index + 1];
  }
  return values;
}

describe('regression corpus', () => {
  it('has entries, each a valid plan with an expectation for every mode and invariant', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const entry of entries) {
      expect(parsePlan(entry.plan)).toEqual(entry.plan);
      expect(entry.plan.faults.length).toBeGreaterThanOrEqual(1);
      expect(entry.plan.faults.length).toBeLessThanOrEqual(3);
      expect(entry.why.length).toBeGreaterThan(20);
      for (const mode of MODE_NAMES) for (const name of INVARIANT_NAMES) expect(entry.expected[mode][name], `${entry.name} ${mode} ${name}`).toBeDefined();
    }
  });

  for (const entry of entries) {
    describe(entry.name, () => {
      for (const mode of MODE_NAMES) {
        it(`${mode}: ${INVARIANT_NAMES.map((name) => `${name} ${entry.expected[mode][name]}`).join(', ')}`, () => {
          const config = resolveConfig({ mode, seed: entry.seed, workload: entry.workload, settings: entry.settings, topology: entry.topology, timing: entry.timing });
          const result = runPlan(config, entry.plan);
          const statuses = Object.fromEntries(INVARIANT_NAMES.map((name) => [name, result.invariants[name].status]));
          expect({ ...statuses, faultsFired: entry.plan.faults.length - result.unusedPlanFaults.length }).toEqual(entry.expected[mode]);
          // The plan is the cause: the same world without it keeps every invariant.
          const quiet = runPlan(config, { version: 1, faults: [] });
          expect(INVARIANT_NAMES.filter((name) => !quiet.invariants[name].holds)).toEqual([]);
        });
      }

      it('replays the same through the CLI flags and --plan', () => {
        for (const mode of MODE_NAMES) {
          const spec = buildRunSpec({ ...flagValues(entry.flags), mode, plan: JSON.stringify(entry.plan) });
          expect(spec.config).toEqual(resolveConfig({ mode, seed: entry.seed, workload: entry.workload, settings: entry.settings, topology: entry.topology, timing: entry.timing }));
          const viaCli = runSimulation(spec.config, spec.faults);
          expect(viaCli.traceHash()).toBe(runPlan(spec.config, entry.plan).traceHash());
        }
      });
    });
  }
});
