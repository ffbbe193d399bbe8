/**
 * README.md's reference tables are generated from the spec rows (reports/reference-tables.ts, `npm run docs`):
 * this fails when a setting, fault kind or scenario changed and the README was not regenerated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectationText, readmeBlocks, settingsReference, withGeneratedBlocks } from '../../reports/reference-tables.js';
import { ROOT } from '../helpers/build.js';
import { settingSpecs } from '../../models/resolve.js';
import { FAMILIES } from '../../models/families.js';
import { FAULT_KINDS } from '../../models/faults/catalog.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');

describe('README.md reference tables', () => {
  for (const name of Object.keys(readmeBlocks())) {
    it(`has the generated ${name} block, current (else run npm run docs)`, () => {
      expect(readme).toContain(`<!-- generated:${name} -->`);
      expect(readme).toContain(`<!-- /generated:${name} -->`);
    });
  }

  it('is exactly what npm run docs writes', () => {
    expect(withGeneratedBlocks(readme) === readme, 'README.md is stale: run npm run docs').toBe(true);
  });

  it('lists every setting flag, fault kind and scenario', () => {
    for (const family of [FAMILIES.kafka, FAMILIES.rabbitmq]) for (const spec of settingSpecs(family)) expect(readme).toContain(`\`--${spec.flag}\``);
    for (const kind of FAULT_KINDS) expect(readme).toContain(`\`${kind}\``);
    for (const scenario of SCENARIOS) expect(readme).toContain(`\`${scenario.name}\``);
  });
});

describe('reference table contents', () => {
  it('a preset setting shows each mode value; a shared one says every mode; others their default', () => {
    const text = settingsReference();
    expect(text).toContain('| `--acks` | acks | 0, 1, all | 0 · all · all |');
    expect(text).toContain('| `--retry-backoff-ms` | retry.backoff.ms | a number from 0 to 60000 | 2 |');
    expect(text).toContain('| `--messages` | messages handed to the producer | an integer from 1 to 10000000 | 40 |');
    expect(text).toContain("the workload's duration + 50 ms");
  });

  it("RabbitMQ's own table lists its settings with their RabbitMQ names and presets, and none the Kafka table already has", () => {
    const text = settingsReference(FAMILIES.rabbitmq, true);
    expect(text).toContain('| `--prefetch` | basic.qos prefetch_count | an integer from 0 to 65535 | 0 · 10 · 1 |');
    expect(text).toContain('| `--queue-type` | x-queue-type | classic, quorum | classic · quorum · quorum |');
    for (const spec of settingSpecs(FAMILIES.kafka)) expect(text).not.toContain(`\`--${spec.flag}\``);
  });

  it('a scenario expectation: VIOLATED when the mode promises the invariant', () => {
    expect(expectationText('at-least-once', { loss: 'breaks', duplicates: 'holds', order: 'holds' })).toBe('**loss VIOLATED**');
    expect(expectationText('at-most-once', { loss: 'may-break', duplicates: 'holds', order: 'holds' })).toBe('loss (some seeds)');
    expect(expectationText('exactly-once', { loss: 'holds', duplicates: 'holds', order: 'holds', parked: 'some' })).toBe('parks');
    expect(expectationText('exactly-once', { loss: 'holds', duplicates: 'holds', order: 'holds' })).toBe('nothing breaks');
  });

  it('leaves text outside the markers alone, and a README without markers unchanged', () => {
    const text = 'before\n<!-- generated:x -->\nold\n<!-- /generated:x -->\nafter';
    expect(withGeneratedBlocks(text, { x: 'new' })).toBe('before\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\nafter');
    expect(withGeneratedBlocks('no markers', { x: 'new' })).toBe('no markers');
  });
});
