/**
 * Golden trace hashes: performance work on sim/ and models/ must not change a single trace record.
 * Regenerate (only after an intended behaviour change, never to make an optimisation pass):
 *   UPDATE_TRACE_HASHES=1 npx vitest run test/sim/trace-hashes.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeTraceHashes } from '../helpers/trace-hash-cases.js';

const fixture = new URL('../fixtures/trace-hashes.json', import.meta.url);

describe('pinned trace hashes', () => {
  it('every pinned run still produces its trace byte for byte', () => {
    const actual = computeTraceHashes();
    if (process.env.UPDATE_TRACE_HASHES === '1') writeFileSync(fixture, JSON.stringify(actual, null, 1) + '\n');
    const expected = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, string>;
    expect(Object.keys(actual).length).toBeGreaterThan(1000);
    const changed = Object.keys(expected).filter((name) => actual[name] !== expected[name]);
    expect(changed.slice(0, 10), `${changed.length} runs changed their trace`).toEqual([]);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });
});
