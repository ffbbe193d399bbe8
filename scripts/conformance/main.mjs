// `npm run conformance`: the RabbitMQ family's cases against a real RabbitMQ and in the simulator, compared on
// observable outcomes (not milliseconds). Installs and starts Debian's rabbitmq-server when needed and stops it
// at the end. Exit 0: every case agrees; 1: a mismatch or a failed case; 2: bad usage.
//   --real-only      run only the real broker, check it against the documented behaviour, print its outcomes
//   --case a,b       run only these cases (names as printed)
import { parseArgs } from 'node:util';
import * as broker from './broker.mjs';
import { caseContext } from './amqp.mjs';
import { CASES, SKIPPED, ids, subCases } from './cases.mjs';
import { Recorder, canonical, compareOutcomes, pick } from './outcome.mjs';
import { asRelease, familyAvailable, modelledRelease, runSimulator } from './simulator.mjs';

const CASE_TIMEOUT_MS = 60_000;
const log = (line) => process.stdout.write(`${line}\n`);

function options() {
  try {
    const { values } = parseArgs({ options: { 'real-only': { type: 'boolean', default: false }, case: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    return values;
  } catch (err) {
    process.stderr.write(`conformance: ${err.message}\n`);
    process.exit(2);
  }
}

async function runReal(c, runId) {
  const ctx = await caseContext(runId, c.name);
  const rec = new Recorder(ids(c.sim?.workload?.messages ?? 2));
  let timer;
  try {
    const work = c.real(ctx, rec, { restart: broker.restartApp });
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`case timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS)));
    const result = await Promise.race([work, timeout]);
    const recs = c.variants ? result : { [c.name]: rec };
    return Object.fromEntries(Object.entries(recs).map(([name, r]) => [name, { outcome: r.outcome(), note: r.note }]));
  } finally {
    clearTimeout(timer);
    await ctx.cleanup();
  }
}

const show = (o) => canonical(o).replace(/,"/g, ', "');

async function main() {
  const opts = options();
  if (opts.help) {
    log('npm run conformance [-- --real-only] [-- --case name,name]');
    return 0;
  }
  const wanted = opts.case?.split(',').map((s) => s.trim());
  // A variant's name (restart-durable-transient) selects its case, which runs all its variants.
  const named = (c) => [c.name, ...Object.keys(c.variants ?? {})];
  const cases = wanted ? CASES.filter((c) => named(c).some((n) => wanted.includes(n))) : CASES;
  if (wanted && !wanted.every((w) => CASES.some((c) => named(c).includes(w)))) {
    process.stderr.write(`conformance: unknown case in --case ${opts.case} (cases: ${CASES.flatMap(named).join(', ')})\n`);
    return 2;
  }
  const realOnly = opts['real-only'];
  if (!realOnly && !familyAvailable()) {
    log('simulator: RabbitMQ family not available (this build of simulate has no --broker rabbitmq)');
    log('run `npm run conformance -- --real-only` to see what the real broker does');
    return 1;
  }

  const t0 = performance.now();
  const installS = broker.ensureInstalled({ log });
  const ownBroker = !broker.isRunning();
  let startS = 0;
  let failed = 0;
  let agreed = 0;
  // Ctrl-C or a kill must not leave our broker running.
  const interrupted = (signal) => {
    if (ownBroker) broker.stop({ log });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (ownBroker) startS = broker.start({ log });
    else log('using the rabbitmq-server that is already running (it is left running)');
    const version = broker.serverVersion();
    // The simulator follows the same release's documented behaviour where releases differ (x-delivery-limit's count).
    const release = realOnly ? undefined : modelledRelease(version);
    log(`RabbitMQ ${version}; ${realOnly ? 'real broker only, checked against the documented behaviour' : `real broker vs simulator${release === undefined ? '' : ` (--rabbitmq-version ${release})`}`}`);
    const runId = `${Date.now().toString(36)}-${process.pid}`;
    for (const c of cases) {
      let real;
      try {
        real = await runReal(c, runId);
      } catch (err) {
        for (const s of subCases(c)) log(`✗ ${s.name}: real broker: ${err.message.split('\n')[0]}`);
        failed += subCases(c).length;
        continue;
      }
      for (const s of subCases(c)) {
        const { outcome, note } = real[s.name];
        const realShown = show(pick(outcome, s.compare));
        let mismatches;
        let other;
        try {
          if (realOnly) {
            other = { label: 'documented', outcome: s.expect };
            mismatches = compareOutcomes(outcome, s.expect, s.compare);
          } else {
            const sim = runSimulator(asRelease(s.sim, release));
            other = { label: 'sim', outcome: sim.outcome, command: sim.command };
            mismatches = compareOutcomes(outcome, sim.outcome, s.compare);
          }
        } catch (err) {
          log(`✗ ${s.name}: ${err.message.split('\n')[0]}`);
          failed++;
          continue;
        }
        const ok = mismatches.length === 0;
        ok ? agreed++ : failed++;
        log(`${ok ? '✓' : '✗'} ${s.name}: ${s.claim}`);
        log(`    real: ${realShown}${note ? `  (${note})` : ''}`);
        if (!ok) {
          log(`    ${other.label}: ${show(pick(other.outcome, s.compare))}`);
          for (const m of mismatches) log(`    differs: ${m.field}${m.note ? ` (${m.note})` : ''}`);
          if (other.command) log(`    simulator: ${other.command}`);
        }
      }
    }
    for (const s of SKIPPED) log(`- ${s.name}: skipped: ${s.why}`);
  } finally {
    if (ownBroker) broker.stop({ log });
  }
  const totalS = (performance.now() - t0) / 1000;
  log(`${agreed} agreed, ${failed} failed, ${SKIPPED.length} skipped; install ${installS.toFixed(1)} s, broker start ${startS.toFixed(1)} s, total ${totalS.toFixed(1)} s`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`conformance: ${String(err?.message ?? err).split('\n')[0]}\n`);
    process.exit(1);
  },
);
