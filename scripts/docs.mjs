// Writes the README's generated reference tables (settings, fault kinds, scenarios) from the built spec rows.
// Run as `npm run docs` (it builds first); test/reports/readme-reference.test.ts fails when README.md drifts.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { withGeneratedBlocks } from '../dist/reports/reference-tables.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withGeneratedBlocks(before);
if (after === before) {
  process.stdout.write('README.md: generated tables already up to date\n');
} else {
  const temp = new URL('../README.md.tmp', import.meta.url);
  writeFileSync(temp, after);
  renameSync(temp, path);
  process.stdout.write('README.md: generated tables rewritten\n');
}
