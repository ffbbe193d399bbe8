#!/usr/bin/env node
/**
 * Renders every sequence diagram the scenarios produce (each scenario × mode, every story of every broken
 * invariant) with the real mermaid renderer in headless Chromium, and fails with the scenario's name on any
 * render error. The test suite only parses diagrams (mermaid's parser under happy-dom); layout and drawing
 * errors show only when mermaid renders, which needs a browser, so this is a script, not part of `npm test`.
 *
 * Needs a build (`npm run build`) and Debian's chromium at /usr/bin/chromium (or CHROMIUM=/path).
 * Usage: npm run check:diagrams
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { INVARIANT_NAMES, MODE_NAMES, SCENARIOS, explainInvariant, sequenceDiagram, simulate } from '../dist/index.js';
import { TraceFacts } from '../dist/reports/trace-facts.js';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const mermaidPath = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

/** Every diagram to render, named by scenario, mode, invariant and witness. */
function diagrams() {
  const out = [];
  for (const scenario of SCENARIOS) {
    for (const mode of MODE_NAMES) {
      const result = simulate({ family: scenario.family, mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
      const facts = new TraceFacts(result);
      for (const invariant of INVARIANT_NAMES) {
        for (const story of explainInvariant(result, invariant, facts)) {
          if (story.records.length === 0) continue;
          out.push({ name: `${scenario.name} (${mode}, ${invariant}${story.msg === '' ? '' : ` ${story.msg}`})`, text: sequenceDiagram(facts, story) });
        }
      }
    }
  }
  return out;
}

const userDataDir = mkdtempSync(join(tmpdir(), 'check-diagrams-'));
let context;
try {
  const list = diagrams();
  // A persistent context is how Playwright takes a fresh --user-data-dir (it refuses the flag itself).
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: mermaidPath });
  const failures = await page.evaluate(async (items) => {
    const mermaid = globalThis.mermaid;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    const failed = [];
    for (const [index, item] of items.entries()) {
      try {
        const { svg } = await mermaid.render(`diagram${index}`, item.text);
        if (!svg.includes('<svg')) failed.push({ name: item.name, error: 'no svg produced' });
      } catch (error) {
        failed.push({ name: item.name, error: String(error?.message ?? error) });
      }
    }
    return failed;
  }, list);
  const scenarios = new Set(list.map((item) => item.name.split(' ')[0]));
  if (failures.length > 0) {
    for (const failure of failures) console.error(`${failure.name}: ${failure.error.split('\n')[0]}`);
    console.error(`check:diagrams: ${failures.length} of ${list.length} diagrams failed to render`);
    process.exitCode = 1;
  } else {
    console.log(`check:diagrams: ${list.length} diagrams of ${scenarios.size} scenarios × ${MODE_NAMES.length} modes rendered by mermaid in Chromium`);
  }
} catch (error) {
  console.error(`check:diagrams: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exitCode = 2;
} finally {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
