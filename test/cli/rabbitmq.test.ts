/** `--broker rabbitmq` through the CLI: bad inputs refused in one line, and runs identical across processes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../models/engine.js';
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

describe('simulate --broker rabbitmq', () => {
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
});
