// Types of cases.mjs for the TypeScript tests (test/conformance/).
import type { Field, Outcome } from './outcome.mjs';
import type { SimSpec } from './simulator.mjs';
export type Variant = { claim: string; expect: Outcome; durable: boolean; persistent: boolean; queueType: string };
export type Case = {
  name: string;
  claim: string;
  compare: Field[];
  expect?: Outcome;
  sim?: SimSpec;
  variants?: Record<string, Variant>;
  variantSim?: (v: Variant) => SimSpec;
};
export const CASES: Case[];
export const SKIPPED: { name: string; why: string }[];
export function ids(n: number): string[];
export type SubCase = { name: string; claim: string; sim: SimSpec; compare: Field[]; expect: Outcome };
export function subCases(c: Case): SubCase[];
