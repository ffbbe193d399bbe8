/** `--broker rabbitmq` through the CLI: bad inputs refused in one line, and runs identical across processes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
import { RABBITMQ_SETTINGS } from '../../models/rabbitmq/settings.js';
import { parseSettingValue } from '../../cli/setting-flags.js';
import { UsageError } from '../../cli/usage-error.js';
import { requireBuiltCli, runCli } from '../helpers/cli.js';

beforeAll(requireBuiltCli);

const BAD: readonly (readonly [string[], RegExp])[] = [
  [['--broker', 'nats'], /^simulate: invalid --broker "nats": expected one of kafka, rabbitmq/],
  [['--broker', 'rabbitmq', '--acks', '1'], /invalid --acks with --broker rabbitmq: it is a setting of kafka/],
  [['--publisher-confirms', 'true'], /invalid --publisher-confirms with --broker kafka: it is a setting of rabbitmq/],
  [['--broker', 'rabbitmq', '--overflow', 'drop-tail'], /invalid --overflow "drop-tail": expected one of drop-head, reject-publish/],
  [['--broker', 'rabbitmq', '--queue-type', 'stream'], /invalid --queue-type "stream"/],
  [['--broker', 'rabbitmq', '--delay-via', 'cron'], /invalid --delay-via "cron"/],
  [['--broker', 'rabbitmq', '--prefetch', '-1'], /invalid --prefetch "-1"/],
  [['--broker', 'rabbitmq', '--max-length', 'lots'], /invalid --max-length "lots"/],
  [['--broker', 'rabbitmq', '--delivery-limit', 'x'], /invalid --delivery-limit "x"/],
  [['--broker', 'rabbitmq', '--queue-type', 'classic', '--delivery-limit', '3'], /x-delivery-limit is a quorum queue argument/],
  [['--broker', 'rabbitmq', '--queue-type', 'quorum', '--durable', 'false'], /quorum queues are always durable/],
  // One --nodes for both families: 0 parses (Kafka's one-actor broker), and RabbitMQ's range refuses it.
  [['--broker', 'rabbitmq', '--nodes', '0'], /invalid --nodes "?0"?: expected an integer from 1 to 7/],
  [['--broker', 'kafka', '--scenario', 'nack-requeue-loop'], /that scenario is a rabbitmq one/],
  [['--broker', 'rabbitmq', '--plan', '{"version":1,"faults":[{"kind":"ack-lost","message":"m3","attempt":1}]}'], /ack-lost\) is not a rabbitmq fault/],
  [['--broker', 'rabbitmq', '--plan', '{"version":1,"faults":[{"kind":"connection-closed","message":"m3"}]}'], /"delivery" must be an integer >= 1/],
  [['--broker', 'rabbitmq', '--plan', '{"version":1,"faults":[{"kind":"unroutable","message":"x3"}]}'], /"message" must be a message id/],
  [['check', '--broker', 'rabbitmq', '--mode', 'at-least-once', '--kinds', 'fetch-lost'], /"fetch-lost" is not a rabbitmq fault kind/],
];

/** A bad value for every RabbitMQ setting flag, by kind (each refused naming the flag). */
const BAD_VALUE: Record<string, string> = { bool: 'maybe', int: '1.5', number: '-1', enum: 'nope', 'count-or-unlimited': 'lots' };

const rabbitPlan = (fault: object): string[] => ['--broker', 'rabbitmq', '--plan', JSON.stringify({ version: 1, faults: [fault] })];
/** A bad field for every RabbitMQ fault kind's plan entry, with what the one line says. */
const BAD_PLANS: readonly (readonly [string[], RegExp])[] = [
  [rabbitPlan({ kind: 'publish-lost', message: 'm3', attempt: 0 }), /"attempt" must be an integer >= 1/],
  [rabbitPlan({ kind: 'publish-lost', message: 'm3' }), /"attempt"/],
  [rabbitPlan({ kind: 'confirm-lost', message: 3, attempt: 1 }), /"message" must be a message id/],
  [rabbitPlan({ kind: 'consumer-ack-lost', message: 'm3', delivery: 'first' }), /"delivery" must be an integer >= 1/],
  [rabbitPlan({ kind: 'consumer-ack-lost', message: 'm3', delivery: 1, consumer: 'g1/c9' }), /"consumer" names g1\/c9, which this world does not have/],
  [rabbitPlan({ kind: 'connection-closed', message: 'm3', delivery: 1, consumer: 'c2' }), /"consumer" must be a consumer instance like "g1\/c2"/],
  [rabbitPlan({ kind: 'broker-restart' }), /"message"/],
  [rabbitPlan({ kind: 'broker-restart', message: 'm3', attempt: 1 }), /attempt/],
  [rabbitPlan({ kind: 'quorum-member-failure', message: 'm3', node: 0 }), /"node" must be an integer >= 1/],
  [rabbitPlan({ kind: 'quorum-member-failure', message: 'm3', node: 4 }), /"node" names node 4, which this cluster does not have \(--nodes 3\)/],
  [rabbitPlan({ kind: 'unroutable', message: 'm3', durationMs: 0 }), /"durationMs" must be a number of virtual ms > 0/],
  [rabbitPlan({ kind: 'unroutable', message: 'm3', durationMs: 'long' }), /"durationMs"/],
];

describe('simulate --broker rabbitmq', () => {
  it('refuses a bad value of every RabbitMQ setting flag, and a bad field of every RabbitMQ fault kind, with one line', () => {
    // In process for all of them (the CLI's own parser and the plan checks); a sample through the CLI below.
    for (const spec of RABBITMQ_SETTINGS) {
      const bad = BAD_VALUE[spec.kind.type];
      let message = '';
      try {
        parseSettingValue(spec, bad);
      } catch (error) {
        expect(error, spec.flag).toBeInstanceOf(UsageError);
        message = (error as Error).message;
      }
      expect(message, spec.flag).toMatch(new RegExp(`^invalid --${spec.flag} "${bad}": `));
      expect(message.split('\n'), spec.flag).toHaveLength(1);
    }
    for (const [args, pattern] of BAD_PLANS) {
      const plan = JSON.parse(args[args.indexOf('--plan') + 1]) as { version: 1; faults: object[] };
      expect(() => simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, workload: { messages: 4 }, faults: plan as never }), args.join(' ')).toThrow(pattern);
    }
  });

  it('the CLI refuses them with one line and exit 2 (a sample: one flag of each kind, plan fields of the new kinds)', async () => {
    const flagCase = (flag: string, bad: string): readonly [string[], RegExp] => [['--broker', 'rabbitmq', `--${flag}`, bad], new RegExp(`invalid --${flag} "${bad}"`)];
    const cases = [flagCase('mandatory', 'maybe'), flagCase('overflow', 'nope'), flagCase('delivery-limit', 'lots'), flagCase('leader-election-ms', '-1'), ...BAD_PLANS.filter(([args]) => /node|durationMs|g1\/c9/.test(args.join(' ')))];
    // Two at a time: the machine is shared.
    for (let index = 0; index < cases.length; index += 2) {
      const batch = cases.slice(index, index + 2);
      const runs = await Promise.all(batch.map(([args]) => runCli([...args, '--messages', '4'])));
      runs.forEach((run, at) => {
        const [args, pattern] = batch[at];
        expect(run.status, args.join(' ')).toBe(2);
        expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(run.stderr, args.join(' ')).toMatch(pattern);
      });
    }
  });

  it('--emit-plan records the faults a rate-driven run injected (an unroutable window, a quorum member failure, a restart) and --plan alone replays it to the same trace hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rabbitmq-plan-'));
    try {
      const plan = join(dir, 'plan.json');
      const emitted = await runCli(['--broker', 'rabbitmq', '--mode', 'at-least-once', '--seed', '5', '--faults', 'chaos', '--emit-plan', plan, '--json']);
      expect(emitted.status, emitted.stderr).toBe(0);
      const first = JSON.parse(emitted.stdout) as { traceHash: string };
      const replayed = await runCli(['--plan', plan, '--json']);
      expect(replayed.status, replayed.stderr).toBe(0);
      const second = JSON.parse(replayed.stdout) as { traceHash: string; config: { family: string } };
      expect(second.config.family).toBe('rabbitmq');
      expect(second.traceHash).toBe(first.traceHash);
      expect(simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 5, faults: 'chaos' }).injected.faults.map((fault) => fault.kind)).toEqual(expect.arrayContaining(['unroutable', 'quorum-member-failure', 'broker-restart']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses every bad input with one line and exit 2', async () => {
    for (const [args, pattern] of BAD) {
      const run = await runCli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(pattern);
    }
  });

  it('derives x-delivery-limit from the queue type: 20 on a quorum queue, none on a classic one given with a preset', async () => {
    for (const [queueType, expected] of [['classic', 'unlimited'], ['quorum', 20]] as const) {
      const run = await runCli(['--broker', 'rabbitmq', '--mode', 'at-least-once', '--queue-type', queueType, '--messages', '4', '--faults', 'none', '--json']);
      expect(run.status, `${queueType}: ${run.stderr}`).toBe(0);
      expect((JSON.parse(run.stdout) as { config: { settings: { deliveryLimit: unknown } } }).config.settings.deliveryLimit).toBe(expected);
    }
  });

  it('is deterministic across processes, and the CLI runs what the library runs', async () => {
    const args = ['--broker', 'rabbitmq', '--mode', 'at-least-once', '--seed', '7', '--faults', 'chaos', '--json'];
    const [first, second] = await Promise.all([runCli(args), runCli(args)]);
    const hash = (run: { stdout: string }): string => (JSON.parse(run.stdout) as { traceHash: string }).traceHash;
    expect(hash(first)).toBe(hash(second));
    expect(hash(first)).toBe(simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 7, faults: 'chaos' }).traceHash());
    const json = JSON.parse(first.stdout) as { config: { family: string }; returned: { count: number }; stats: { maxQueueLength: number } };
    expect(json.config.family).toBe('rabbitmq');
    expect(json.returned.count).toBeGreaterThanOrEqual(0);
    expect(json.stats.maxQueueLength).toBeGreaterThan(0);
  });

  it('compare --broker kafka,rabbitmq runs the same logical faults under both families', async () => {
    const plan = '{"version":1,"faults":[{"kind":"ack-lost","message":"m3","attempt":1}]}';
    const run = await runCli(['compare', '--broker', 'kafka,rabbitmq', '--mode', 'at-least-once', '--messages', '6', '--plan', plan, '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { brokers: Record<string, { invariants: { duplicates: { count: number } }; faultsFired: number; replay: string }> };
    expect(Object.keys(json.brokers)).toEqual(['kafka', 'rabbitmq']);
    // The broker's answer to m3's publish is lost: a retry duplicates it in both families.
    expect(json.brokers.kafka.invariants.duplicates.count).toBe(1);
    expect(json.brokers.rabbitmq.invariants.duplicates.count).toBe(1);
    expect(json.brokers.rabbitmq.replay).toContain('confirm-lost');
    expect(json.brokers.rabbitmq.faultsFired).toBe(1);
  });

  it('--handler runs a team handler on RabbitMQ: the naive increment duplicates on a redelivery, the processed id in the transaction holds', async () => {
    const plan = '{"version":1,"faults":[{"kind":"connection-closed","message":"m3","delivery":1}]}';
    const base = ['--broker', 'rabbitmq', '--mode', 'exactly-once', '--messages', '6', '--plan', plan];
    const naive = await runCli([...base, '--handler', 'examples/handlers/naive-increment.mjs']);
    expect(naive.status, naive.stderr).toBe(1);
    expect(naive.stdout).toMatch(/duplicates\s+yes\s+1\s+VIOLATED/);
    expect(naive.stdout).toContain('m3 (key k1) was applied to the DB 2 times');
    // A queue keeps no log: the Kafka-only "log duplicates" line is not printed.
    expect(naive.stdout).not.toContain('log duplicates');
    const safe = await runCli([...base, '--handler', 'examples/handlers/processed-ids-same-transaction.mjs']);
    expect(safe.status, safe.stderr).toBe(0);
  });
});
