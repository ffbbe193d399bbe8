import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../helpers/cli.js';
import { CASES, subCases } from '../../scripts/conformance/cases.mjs';
import { FIELDS, compareOutcomes } from '../../scripts/conformance/outcome.mjs';
import { asRelease, modelledRelease, runSimulator, simArgs, simOutcome, witnessed } from '../../scripts/conformance/simulator.mjs';

describe('simArgs: a case for the simulator as CLI arguments (issue 12 flag names)', () => {
  it('passes settings as kebab-case flags and the faults as an inline plan', () => {
    const args = simArgs(
      { settings: { publisherConfirms: true, queueType: 'quorum', deliveryLimit: 3 }, workload: { messages: 2 }, faults: [{ kind: 'processing-error', message: 'm1', deliveries: 'always' }] },
      '/tmp/t.jsonl',
    );
    const value = (f: string) => args[args.indexOf(f) + 1];
    expect(value('--broker')).toBe('rabbitmq');
    expect(value('--publisher-confirms')).toBe('true');
    expect(value('--queue-type')).toBe('quorum');
    expect(value('--delivery-limit')).toBe('3');
    expect(value('--messages')).toBe('2');
    expect(JSON.parse(value('--plan'))).toEqual({ version: 1, faults: [{ kind: 'processing-error', message: 'm1', deliveries: 'always' }] });
    expect(value('--trace')).toBe('/tmp/t.jsonl');
    expect(args).toContain('--json');
    expect(args).not.toContain('--faults');
  });

  it("runs a case as the real broker's release when the simulator models it, unless the case names one", () => {
    requireBuiltCli();
    expect(modelledRelease('3.10.8')).toBe('3.10');
    expect(modelledRelease('4.3.0')).toBe('4.3');
    expect(modelledRelease('3.7.28')).toBeUndefined();
    expect(modelledRelease('unknown')).toBeUndefined();
    expect(simArgs(asRelease({ settings: { prefetch: 1 } }, '3.10'), 't')).toEqual(expect.arrayContaining(['--prefetch', '1', '--rabbitmq-version', '3.10']));
    expect(asRelease({ settings: { rabbitmqVersion: '4.3' } }, '3.10').settings).toEqual({ rabbitmqVersion: '4.3' });
    expect(asRelease({ mode: 'exactly-once' }, undefined)).toEqual({ mode: 'exactly-once' });
  });

  it('turns fault rates off when a case has no faults, and leaves a scenario its own', () => {
    expect(simArgs({ workload: { messages: 4 } }, 't')).toEqual(expect.arrayContaining(['--faults', 'none']));
    const scenario = simArgs({ scenario: 'ttl-dlx-delay-head-of-line' }, 't');
    expect(scenario).toEqual(expect.arrayContaining(['--scenario', 'ttl-dlx-delay-head-of-line']));
    expect(scenario).not.toContain('--faults');
  });
});

describe('simOutcome: the CLI --json and --trace read as outcomes', () => {
  const json = {
    invariants: { loss: { witnesses: [{ msg: 'm10' }, { msg: 'm3' }] }, schedule: { lateMsMax: 900 } },
    parked: { count: 1, witnesses: [{ msg: 'm1' }] },
    returned: { count: 1, witnesses: [{ msg: 'm4' }] },
  };
  const trace = [
    { kind: 'deliver', actor: 'g1/c1', msg: 'm1', delivery: 1, redelivered: false },
    { kind: 'deliver', actor: 'g1/c2', msg: 'm2', delivery: 1, redelivered: false },
    { kind: 'deliver', actor: 'g1/c1', msg: 'm1', delivery: 2, redelivered: true },
    { kind: 'processed', actor: 'g1/c2', msg: 'm2', result: 'committed' },
    { kind: 'processed', actor: 'g1/c1', msg: 'm1', result: 'failed' },
  ];

  it('reads loss, parked and returned witnesses, sorted by message number', () => {
    const o = simOutcome(json, trace);
    expect(o.lost).toEqual(['m3', 'm10']);
    expect(o.deadLettered).toEqual(['m1']);
    expect(o.returned).toEqual(['m4']);
    expect(o.lateDelivery).toBe(true);
  });

  it('names competing consumers by their topology id (g1/c2 is c2); the comparison reads the split, not the names', () => {
    const deliver = (t: number, actor: string, msg: string) => ({ t, actor, kind: 'deliver', msg, delivery: 1, redelivered: false });
    const o = simOutcome({}, [deliver(1, 'g1/c2', 'm1'), deliver(2, 'g1/c1', 'm2'), deliver(3, 'g1/c2', 'm3'), deliver(4, 'g1/c1', 'm4')]);
    expect(o.byConsumer).toEqual({ c2: ['m1', 'm3'], c1: ['m2', 'm4'] });
    // The real side registered c1 first and served it m1: the same round-robin split under other names.
    expect(compareOutcomes({ byConsumer: { c1: ['m1', 'm3'], c2: ['m2', 'm4'] } }, o, ['byConsumer'])).toEqual([]);
    // A split that is not round-robin differs, whatever the names.
    expect(compareOutcomes({ byConsumer: { c1: ['m1', 'm2'], c2: ['m3', 'm4'] } }, o, ['byConsumer'])).toHaveLength(1);
  });

  it('reads deliveries per message and per consumer, and processing that did not fail', () => {
    const o = simOutcome(json, trace);
    expect(o.redelivered).toEqual({ m1: [false, true], m2: [false] });
    expect(o.byConsumer).toEqual({ c1: ['m1'], c2: ['m2'] });
    expect(o.processed).toEqual(['m2']);
    expect(o.byQueue).toEqual({ g1: ['m2'] });
  });

  it('derives x-delivery-count on a quorum queue only, and reports no confirms it did not see', () => {
    expect(simOutcome(json, trace, { settings: { queueType: 'quorum' } }).deliveryCount).toEqual({ m1: [null, 1], m2: [null] });
    expect(simOutcome(json, trace).deliveryCount).toBeUndefined();
    expect(simOutcome(json, trace).confirmed).toBeUndefined();
    const confirms = [...trace, { kind: 'confirmed', actor: 'p1', msg: 'm1' }, { kind: 'nacked', actor: 'p1', msg: 'm2' }];
    expect(simOutcome(json, confirms)).toMatchObject({ confirmed: 1, nacked: 1, nackedAny: true });
  });
});

describe('witnessed: the --json lists only a few witnesses', () => {
  const cut = { count: 7, witnesses: ['m2', 'm3', 'm4', 'm5', 'm6'].map((msg) => ({ msg })) };

  it('takes the ids from the trace when it accounts for exactly the count', () => {
    expect(witnessed(cut, () => ['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'])).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('says how many it leaves out when the trace does not agree with the count', () => {
    expect(witnessed(cut, () => ['m2'])).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', '(+2 not listed)']);
  });

  it('derives loss from handed-over messages nobody settled when the loss list is cut', () => {
    const trace: Record<string, unknown>[] = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ kind: 'handover', actor: 'p1', msg: `m${i}` }));
    trace.push({ kind: 'processed', actor: 'g1/c1', msg: 'm1', result: 'committed' });
    const json = { invariants: { loss: { count: 6, witnesses: ['m2', 'm3', 'm4', 'm5', 'm6'].map((msg) => ({ msg })) } }, returned: { count: 1, witnesses: [{ msg: 'm8' }] } };
    expect(simOutcome(json, trace).lost).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});

describe('the case catalogue', () => {
  const all = CASES.flatMap(subCases);

  it('has unique names, and each compares known fields that its documented expectation states', () => {
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    for (const s of all) {
      expect(s.compare.length, s.name).toBeGreaterThan(0);
      for (const field of s.compare) expect(FIELDS, s.name).toContain(field);
      expect(Object.keys(s.expect).sort(), s.name).toEqual([...s.compare].sort());
    }
  });

  it('gives every case a simulator run: a scenario or a workload', () => {
    for (const s of all) expect(s.sim.scenario ?? s.sim.workload?.messages, s.name).toBeDefined();
  });
});

beforeAll(requireBuiltCli);

describe('the simulator side of a case agrees with what RabbitMQ documents for it', () => {
  // The real side needs a broker (npm run conformance); the simulator's side of a case runs anywhere.
  const byName = new Map(CASES.flatMap(subCases).map((s) => [s.name, s]));
  for (const name of ['consumer-killed-holding-prefetch', 'consumer-killed-mid-processing', 'competing-consumers', 'single-active-consumer', 'single-active-consumer-failover', 'unroutable-mandatory-returned', 'unroutable-silently-dropped']) {
    it(name, () => {
      const s = byName.get(name);
      if (s === undefined) throw new Error(`no case ${name}`);
      const { outcome } = runSimulator(s.sim);
      expect(compareOutcomes(s.expect, outcome, s.compare)).toEqual([]);
    });
  }
});
