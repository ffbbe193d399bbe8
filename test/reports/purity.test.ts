/**
 * reports/ is pure: it turns a result into a string. No I/O, no process, no clock, no ambient randomness,
 * and no imports from cli/ (imports point downward: cli -> reports -> scenarios (pure data) -> models -> sim). Checked on the sources,
 * since the lint rule for determinism covers sim/ and models/ only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const folder = new URL('../../reports/', import.meta.url);
const sources = readdirSync(folder).filter((file) => file.endsWith('.ts')).sort();

describe('reports/ purity', () => {
  it('has sources to check', () => {
    expect(sources).toEqual(expect.arrayContaining(['index.ts', 'run-report.ts', 'compare-report.ts', 'story.ts', 'sequence-diagram.ts']));
  });

  it.each(sources)('%s imports only models/, sim/, scenarios/, reports/ and markdown-table, and touches no ambient state', (file) => {
    const text = readFileSync(new URL(file, folder), 'utf8');
    const imports = [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)';$/gm)].map((match) => match[1]);
    for (const target of imports) expect(target, `${file} imports ${target}`).toMatch(/^(\.\/[\w-]+\.js|\.\.\/(models|sim|scenarios)\/[\w/-]+\.js|markdown-table)$/);
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const banned of [/\bprocess\./, /\bconsole\./, /\bDate\b/, /Math\.random/, /performance\./, /\brequire\(/, /\bimport\(/]) {
      expect(code, `${file} uses ${String(banned)}`).not.toMatch(banned);
    }
  });
});
