// Types of simulator.mjs for the TypeScript tests (test/conformance/).
import type { Outcome } from './outcome.mjs';
export type SimSpec = {
  mode?: string;
  seed?: number;
  scenario?: string;
  settings?: Record<string, string | number | boolean>;
  workload?: Record<string, number>;
  topology?: Record<string, number>;
  timing?: Record<string, number>;
  faults?: Record<string, unknown>[];
};
export const CLI: string;
export const RUN_COMMAND: string[];
export const PLAN_FAULTY_PHASE_MS: number;
export const TRACE_KINDS: Record<'confirmed' | 'nacked' | 'processed' | 'deadLettered' | 'handover', string[]>;
export function witnessed(section: { count?: number; witnesses?: { msg?: string }[] } | undefined, fromTrace?: () => string[]): string[] | undefined;
export function simArgs(sim: SimSpec, traceFile: string): string[];
export function flag(key: string): string;
export function familyAvailable(): boolean;
export function modelledRelease(serverVersion: string): string | undefined;
export function asRelease(sim: SimSpec, release: string | undefined): SimSpec;
export function runSimulator(sim: SimSpec): { outcome: Outcome; command: string };
export function simOutcome(json: Record<string, unknown>, trace: Record<string, unknown>[], sim?: SimSpec): Outcome;
