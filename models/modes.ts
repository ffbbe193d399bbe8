/**
 * The three delivery modes and what each promises (DESIGN.md's matrix). The promises are the same for every
 * broker family; each family maps a mode to a preset of its own settings (models/<family>/modes.ts). Any single
 * setting can be overridden on top of a preset; the promises stay the mode's, so an override that weakens the mode
 * shows up as a VIOLATED invariant — which is how users study misconfigurations.
 */
export type ModeName = 'at-most-once' | 'at-least-once' | 'exactly-once';
export const MODE_NAMES: readonly ModeName[] = ['at-most-once', 'at-least-once', 'exactly-once'];

export type InvariantName = 'loss' | 'duplicates' | 'order' | 'liveness';
export const INVARIANT_NAMES: readonly InvariantName[] = ['loss', 'duplicates', 'order', 'liveness'];

export const PROMISES: Record<ModeName, Record<InvariantName, boolean>> = {
  'at-most-once': { loss: false, duplicates: true, order: false, liveness: true },
  'at-least-once': { loss: true, duplicates: false, order: false, liveness: true },
  'exactly-once': { loss: true, duplicates: true, order: true, liveness: true },
};

/** A family's preset for one mode: its settings, in words and values. */
export interface ModePreset<S = unknown> {
  name: ModeName;
  summary: string;
  settings: S;
  promises: Record<InvariantName, boolean>;
}
