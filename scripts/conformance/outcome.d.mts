// Types of outcome.mjs for the TypeScript tests (test/conformance/).
export type Outcome = {
  lost?: string[];
  deadLettered?: string[];
  returned?: string[];
  redelivered?: Record<string, (boolean | undefined)[]>;
  deliveryCount?: Record<string, (number | null)[]>;
  processed?: string[];
  byConsumer?: Record<string, string[]>;
  byQueue?: Record<string, string[]>;
  confirmed?: number;
  nacked?: number;
  nackedAny?: boolean;
  lateDelivery?: boolean;
};
export type Field = keyof Outcome;
export type Mismatch = { field: Field; real: unknown; sim: unknown; note?: string };
export const FIELDS: Field[];
export function canonical(value: unknown): string;
export function compareOutcomes(real: Outcome, sim: Outcome, fields: readonly Field[]): Mismatch[];
export function byNumber(a: string, b: string): number;
export function consumerSplit(byConsumer: Record<string, string[]> | undefined): Record<string, string[]> | undefined;
export function pick(outcome: Outcome, fields: readonly Field[]): Outcome;
export class Recorder {
  constructor(ids: string[]);
  ids: string[];
  processed: string[];
  deadLettered: string[];
  returned: string[];
  confirmed: number;
  nacked: number;
  lateDelivery: boolean | undefined;
  note?: string;
  delivered(d: { id: string; redelivered: boolean; deliveryCount?: number }, consumer?: string, queue?: string): void;
  done(id: string, queue?: string): void;
  outcome(): Required<Omit<Outcome, 'lateDelivery'>> & Pick<Outcome, 'lateDelivery'>;
}
