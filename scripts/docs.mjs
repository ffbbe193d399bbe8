// Writes what is generated from the built spec rows: the README's reference tables (settings, fault kinds,
// scenarios) and the JSON Schemas in schemas/. Run as `npm run docs` (it builds first);
// test/reports/readme-reference.test.ts and test/cli/json-schemas.test.ts fail when either drifts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { withGeneratedBlocks } from '../dist/reports/reference-tables.js';
import { jsonSchemas, schemaText } from '../dist/cli/json-schemas.js';

/** Replace a file only when its content changes, through a temporary file (never half-written). */
function update(url, text) {
  let before;
  try {
    before = readFileSync(url, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === text) return false;
  const temp = new URL(`${url.href}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, url);
  return true;
}

const readme = new URL('../README.md', import.meta.url);
const changed = update(readme, withGeneratedBlocks(readFileSync(readme, 'utf8')));
process.stdout.write(`README.md: generated tables ${changed ? 'rewritten' : 'already up to date'}\n`);

const schemas = new URL('../schemas/', import.meta.url);
mkdirSync(schemas, { recursive: true });
const rewritten = Object.entries(jsonSchemas()).filter(([name, schema]) => update(new URL(name, schemas), schemaText(schema)));
process.stdout.write(`schemas/: ${rewritten.length === 0 ? 'already up to date' : `rewrote ${rewritten.map(([name]) => name).join(', ')}`}\n`);
