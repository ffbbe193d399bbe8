/**
 * Plan files: what parsePlan accepts, the one-line errors for what it rejects (naming the fault, its kind
 * and the field), metadata, the file format round trip, and that every subset of a valid plan is valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanError, faultPlanArb, formatPlan, parsePlan, parsePlanText } from '../../../index.js';
import type { Fault } from '../../../index.js';

const plan = (...faults: unknown[]): unknown => ({ version: 1, faults });
const errorOf = (value: unknown): string => {
  try {
    parsePlan(value);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as Error).message;
  }
  throw new Error('expected a PlanError');
};

describe('parsePlan accepts every fault kind in domain terms', () => {
  it('returns the plan as written, one fresh object per fault', () => {
    const faults: Fault[] = [
      { kind: 'request-lost', message: 'm1', attempt: 1 },
      { kind: 'ack-lost', message: 'm3', attempt: 2 },
      { kind: 'request-delayed', message: 'm2', attempt: 1, delayMs: 17.5 },
      { kind: 'fetch-duplicated', partition: 0, fromOffset: 0, attempt: 1 },
      { kind: 'fetch-lost', partition: 1, fromOffset: 4, attempt: 2 },
      { kind: 'commit-lost', partition: 0, offset: 5, attempt: 1 },
      { kind: 'db-reply-lost', message: 'm4', attempt: 1 },
      { kind: 'partition', link: 'consumer-db', fromMs: 0, durationMs: 12 },
      { kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' },
      { kind: 'producer-crash', message: 'm5', point: 'after-send' },
      { kind: 'leader-failover', message: 'm6' },
    ];
    const input = { version: 1, faults };
    const parsed = parsePlan(JSON.parse(JSON.stringify(input)));
    expect(parsed).toEqual(input);
    expect(parsed.faults[0]).not.toBe(faults[0]);
    expect(parsePlan(plan())).toEqual({ version: 1, faults: [] });
  });

  it('names any message and log offset of the largest workload (--messages 10000000), not only the first 999,999', () => {
    const faults = [
      { kind: 'leader-failover', message: 'm1000000' },
      { kind: 'request-lost', message: 'm10000000', attempt: 1 },
      // One partition holds every message of such a run, and its duplicates: offsets past a million.
      { kind: 'fetch-lost', partition: 0, fromOffset: 12_000_000, attempt: 1 },
      { kind: 'commit-lost', partition: 0, offset: 12_000_001, attempt: 1 },
    ];
    expect(parsePlan({ version: 1, faults })).toEqual({ version: 1, faults });
  });
});

describe('parsePlan rejects bad plans with one line naming fault, kind and field', () => {
  it.each([
    [plan({ kind: 'ack-lost', message: 'm3', attempt: 0 }), 'fault #1 (ack-lost): "attempt" must be an integer >= 1; got 0'],
    [plan({ kind: 'ack-lost', message: 'm3', attempt: 1 }, { kind: 'ack-lost', message: 'm3', attempt: 1.5 }), 'fault #2 (ack-lost): "attempt" must be an integer >= 1; got 1.5'],
    [plan({ kind: 'request-lost', message: 'm3' }), 'fault #1 (request-lost): "attempt" must be an integer >= 1; missing'],
    [plan({ kind: 'request-lost', message: 3, attempt: 1 }), 'fault #1 (request-lost): "message" must be a message id from "m1" (the first message handed over) to "m10000000"; got 3'],
    [plan({ kind: 'request-lost', message: 'm0', attempt: 1 }), 'fault #1 (request-lost): "message" must be a message id'],
    [plan({ kind: 'request-lost', message: 'm01', attempt: 1 }), 'fault #1 (request-lost): "message" must be a message id'],
    [plan({ kind: 'request-lost', message: 'm10000001', attempt: 1 }), 'fault #1 (request-lost): "message" must be a message id from "m1" (the first message handed over) to "m10000000"; got "m10000001"'],
    [plan({ kind: 'request-delayed', message: 'm1', attempt: 1, delayMs: 0 }), 'fault #1 (request-delayed): "delayMs" must be a number of virtual ms > 0; got 0'],
    [plan({ kind: 'partition', link: 'producer-db', fromMs: 0, durationMs: 5 }), 'fault #1 (partition): "link" must be one of producer-broker, consumer-broker, consumer-db; got "producer-db"'],
    [plan({ kind: 'partition', link: 'consumer-db', fromMs: -1, durationMs: 5 }), 'fault #1 (partition): "fromMs" must be a number of virtual ms >= 0; got -1'],
    [plan({ kind: 'consumer-crash', message: 'm1', delivery: 1, point: 'before-fetch' }), 'fault #1 (consumer-crash): "point" must be one of after-fetch, mid-process, after-db-commit; got "before-fetch"'],
    [plan({ kind: 'producer-crash', message: 'm1', point: 'after-db-commit' }), 'fault #1 (producer-crash): "point" must be one of after-handover, after-send'],
    [plan({ kind: 'fetch-lost', partition: -1, fromOffset: 0, attempt: 1 }), 'fault #1 (fetch-lost): "partition" must be an integer >= 0; got -1'],
    [plan({ kind: 'commit-lost', partition: 0, offset: 1, attempt: 2_000_000 }), 'fault #1 (commit-lost): "attempt" must be at most 1000000; got 2000000'],
    [plan({ kind: 'lost-ack', message: 'm1', attempt: 1 }), 'fault #1: "kind" got "lost-ack"; must be one of request-lost, ack-lost,'],
    [plan({ message: 'm1' }), 'fault #1: "kind" missing; must be one of'],
    [plan({ kind: 'ack-lost', message: 'm1', attempt: 1, attemt: 2 }), 'fault #1 (ack-lost): unknown field "attemt" (ack-lost faults have kind, message, attempt)'],
    [plan('ack-lost'), 'fault #1: must be an object like'],
    [plan({ kind: 'ack-lost', message: 'm1', attempt: 1 }, { kind: 'ack-lost', message: 'm1', attempt: 1 }), 'fault #2 (ack-lost): names the same decision point as fault #1'],
    [plan({ kind: 'request-delayed', message: 'm1', attempt: 1, delayMs: 5 }, { kind: 'request-delayed', message: 'm1', attempt: 1, delayMs: 9 }), 'fault #2 (request-delayed): names the same decision point as fault #1'],
    [{ version: 2, faults: [] }, '"version" must be 1; got 2'],
    [{ faults: [] }, '"version" must be 1; missing'],
    [{ version: 1 }, '"faults" must be an array of faults; missing'],
    [{ version: 1, faults: {} }, '"faults" must be an array of faults; got {}'],
    [{ version: 1, faults: [], extra: true }, 'unknown top-level field "extra"'],
    [[], 'a plan must be an object'],
    [null, 'a plan must be an object'],
    [{ version: 1, faults: [], meta: { mode: 'sometimes' } }, '"meta.mode" must be one of at-most-once, at-least-once, exactly-once; got "sometimes"'],
    [{ version: 1, faults: [], meta: { seeed: 1 } }, '"meta" has unknown field "seeed"'],
    [{ version: 1, faults: [], meta: { workload: { messages: 'six' } } }, '"meta.workload" must hold numbers only'],
    [{ version: 1, faults: [], meta: { settings: { ack: 1 } } }, '"meta.settings" has unknown field "ack"'],
  ])('%j', (value, message) => {
    const error = errorOf(value);
    expect(error).toContain(message);
    expect(error).not.toContain('\n');
  });

  it('carries the fault number and field on the error for tools', () => {
    try {
      parsePlan(plan({ kind: 'ack-lost', message: 'm3', attempt: 1 }, { kind: 'ack-lost', message: 'm3', attempt: -2 }));
    } catch (error) {
      expect(error).toMatchObject({ faultNumber: 2, field: 'attempt' });
    }
    expect.assertions(1);
  });

  it('turns a JSON syntax error into one short line', () => {
    expect(() => parsePlanText('{"version": 1, "faults": [\n{"kind":')).toThrow(/^not valid JSON: /);
    try {
      parsePlanText(`{"version": 1, ${'"x": 1, '.repeat(100)}`);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message.length).toBeLessThanOrEqual(140);
    }
  });
});

describe('plan files', () => {
  it('keep informational metadata, which parsePlan validates and returns apart from the faults', () => {
    const meta = { origin: 'simulate --emit-plan', mode: 'at-least-once' as const, seed: 42, workload: { messages: 6, keys: 2 }, settings: { acks: 1 as const }, invariant: 'duplicates' as const, replay: 'simulate --mode at-least-once --seed 42 --plan p.json', note: 'found by check' };
    const text = formatPlan({ version: 1, faults: [{ kind: 'ack-lost', message: 'm3', attempt: 1 }] }, meta);
    expect(parsePlanText(text)).toEqual({ version: 1, meta, faults: [{ kind: 'ack-lost', message: 'm3', attempt: 1 }] });
    expect(text.split('\n')).toContain('    {"kind":"ack-lost","message":"m3","attempt":1}');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('round-trip through formatPlan and parsePlanText for every generated plan', () => {
    fc.assert(
      fc.property(faultPlanArb({ maxFaults: 8 }), (generated) => {
        expect(parsePlanText(formatPlan(generated))).toEqual(generated);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('stay valid with any subset of their faults removed (what shrinking relies on)', () => {
    fc.assert(
      fc.property(
        faultPlanArb({ maxFaults: 10 }).chain((generated) => fc.tuple(fc.constant(generated), fc.subarray(generated.faults))),
        ([generated, kept]) => {
          const parsed = parsePlanText(formatPlan({ version: 1, faults: kept }));
          expect(parsed.faults).toEqual(kept);
          expect(kept.every((fault) => generated.faults.includes(fault))).toBe(true);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
