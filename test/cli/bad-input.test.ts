/**
 * Bad input, every option: exactly one line on stderr naming the option (or the problem), exit 2, nothing
 * on stdout, and never a stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN } from '../helpers/build.js';
import { expectOneLineError, requireBuiltCli, runCli } from '../helpers/cli.js';
import { tempDirs } from '../helpers/temp-dirs.js';

beforeAll(requireBuiltCli);

const badDir = tempDirs('simulate-bad-');
const planDir = tempDirs('simulate-plan-edge-');
const epipeDir = tempDirs('simulate-epipe-');

/** [arguments, a fragment the one stderr line must contain]. */
const BAD_INPUTS: [string[], string][] = [
  // mode and seed
  [['--mode'], "'--mode <mode>' argument missing"],
  [['--mode', 'foo'], 'invalid --mode "foo": expected one of at-most-once, at-least-once, exactly-once'],
  [['--mode', 'AT-LEAST-ONCE'], 'invalid --mode'],
  [['--mode', ''], 'invalid --mode ""'],
  [['--seed', '-1'], 'invalid --seed "-1": expected an integer from 0 to 9007199254740991'],
  [['--seed', 'abc'], 'invalid --seed "abc"'],
  [['--seed', '1.5'], 'invalid --seed "1.5"'],
  [['--seed', '0x10'], 'invalid --seed "0x10"'],
  [['--seed', '1e3'], 'invalid --seed "1e3"'],
  [['--seed', ''], 'invalid --seed ""'],
  [['--seed', '9007199254740993'], 'invalid --seed "9007199254740993"'],
  [['--seed'], "'--seed <n>' argument missing"],
  // workload
  [['--messages', '0'], 'invalid --messages "0": expected an integer from 1 to 100000'],
  [['--messages', '10000001'], 'invalid --messages "10000001"'],
  [['--messages', '10abc'], 'invalid --messages "10abc"'],
  [['--messages', ' '], 'invalid --messages " "'],
  [['--keys', '0'], 'invalid --keys "0"'],
  [['--keys', 'many'], 'invalid --keys "many"'],
  [['--partitions', '65'], 'invalid --partitions "65": expected an integer from 1 to 64'],
  [['--partitions', '0'], 'invalid --partitions "0"'],
  [['--produce-interval-ms', '-1'], 'invalid --produce-interval-ms "-1"'],
  // producer
  [['--acks', '2'], 'invalid --acks "2": expected 0, 1 or all'],
  [['--acks', 'ALL'], 'invalid --acks "ALL"'],
  [['--acks'], "'--acks <value>' argument missing"],
  [['--retries', '-1'], 'invalid --retries "-1"'],
  [['--retries', '1.5'], 'invalid --retries "1.5"'],
  [['--retries', '1001'], 'invalid --retries "1001"'],
  [['--retry-backoff-ms', 'x'], 'invalid --retry-backoff-ms "x"'],
  [['--retry-backoff-max-ms', '60001'], 'invalid --retry-backoff-max-ms "60001"'],
  [['--request-timeout-ms', '0'], 'invalid --request-timeout-ms "0": expected a number from 0.1 to 60000'],
  [['--idempotence', 'yes'], 'invalid --idempotence "yes": expected true or false'],
  [['--max-in-flight', '0'], 'invalid --max-in-flight "0"'],
  [['--max-in-flight', '101'], 'invalid --max-in-flight "101"'],
  [['--producer-buffer', 'disk'], 'invalid --producer-buffer "disk": expected one of memory, outbox'],
  // broker
  [['--replication-factor', '8'], 'invalid --replication-factor "8"'],
  [['--replication-factor', '0'], 'invalid --replication-factor "0"'],
  [['--min-insync-replicas', '0'], 'invalid --min-insync-replicas "0"'],
  [['--replication-delay-ms', '-1'], 'invalid --replication-delay-ms "-1"'],
  [['--leader-election-ms', 'abc'], 'invalid --leader-election-ms "abc"'],
  // consumer and DB
  [['--commit', 'sometimes'], 'invalid --commit "sometimes": expected one of before-process, after-process, auto, with-db-transaction'],
  [['--auto-commit-interval-ms', '0'], 'invalid --auto-commit-interval-ms "0"'],
  [['--processing-ms', '-0.5'], 'invalid --processing-ms "-0.5"'],
  [['--max-poll-records', '0'], 'invalid --max-poll-records "0"'],
  [['--poll-interval-ms', '0'], 'invalid --poll-interval-ms "0"'],
  [['--consumer-timeout-ms', '0'], 'invalid --consumer-timeout-ms "0"'],
  [['--db-retries', '1001'], 'invalid --db-retries "1001"'],
  [['--dedup', 'maybe'], 'invalid --dedup "maybe": expected one of none, same-transaction, separate-transaction'],
  // timing and limits
  [['--faulty-phase-ms', '-1'], 'invalid --faulty-phase-ms "-1"'],
  [['--restart-delay-ms', 'NaN'], 'invalid --restart-delay-ms "NaN"'],
  [['--restart-delay-ms', 'Infinity'], 'invalid --restart-delay-ms "Infinity"'],
  [['--max-events', '0'], 'invalid --max-events "0"'],
  [['--max-virtual-time-ms', '0'], 'invalid --max-virtual-time-ms "0"'],
  // faults and scenarios
  [['--faults', 'bogus'], 'invalid --faults "bogus"'],
  [['--faults', ''], 'invalid --faults ""'],
  [['--faults', 'drop=2'], 'invalid --faults drop "2": expected a number from 0 to 1'],
  [['--faults', 'drop=-0.1'], 'invalid --faults drop "-0.1"'],
  [['--faults', 'drop=abc'], 'invalid --faults drop "abc"'],
  [['--faults', 'drop'], 'invalid --faults "drop"'],
  [['--faults', 'drop=0.1,,'], 'empty item'],
  [['--faults', 'nope=0.1'], 'unknown fault "nope"'],
  [['--faults', 'drop=0.1,default'], '"default" is not a preset'],
  // one '=' per item: the second must not be cut off silently
  [['--faults', 'drop=0.1=0.2'], 'invalid --faults drop "0.1=0.2"'],
  [['--faults', 'default,dup=0.1=0.2'], 'invalid --faults dup "0.1=0.2"'],
  // names every object has are no preset, fault field or meta field
  [['--faults', 'constructor'], '"constructor" is not a preset'],
  [['--faults', '__proto__'], '"__proto__" is not a preset'],
  [['--faults', 'toString,drop=0.1'], '"toString" is not a preset'],
  [['--plan', '{"version":1,"faults":[],"meta":{"__proto__":{}}}'], '"meta" has unknown field "__proto__"'],
  [['--plan', '{"version":1,"faults":[],"meta":{"constructor":"x"}}'], '"meta" has unknown field "constructor"'],
  [['--plan', '{"version":1,"faults":[{"kind":"producer-crash","message":"m1","point":"after-send","constructor":1}]}'], 'fault #1 (producer-crash): unknown field "constructor"'],
  [['--plan', '{"version":1,"faults":[{"kind":"producer-crash","message":"m1","point":"after-send","__proto__":{}}]}'], 'fault #1 (producer-crash): unknown field "__proto__"'],
  [['--scenario', 'nope'], 'invalid --scenario "nope": expected one of default,'],
  // conflicting settings (the combinations Kafka itself refuses)
  // (Kafka 3.x's ConfigException wording, quoted in the line)
  [['--idempotence', 'true', '--acks', '1'], 'invalid --acks 1: expected all with enable.idempotence=true (Kafka: "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")'],
  [['--mode', 'exactly-once', '--acks', '0'], 'invalid --acks 0: expected all with enable.idempotence=true'],
  [['--mode', 'exactly-once', '--retries', '0'], 'invalid --retries 0: expected at least 1 with enable.idempotence=true (Kafka: "Must set retries to non-zero when using the idempotent producer.")'],
  [['--mode', 'at-most-once', '--idempotence', 'true'], 'invalid --retries 0: expected at least 1 with enable.idempotence=true (Kafka: "Must set retries to non-zero when using the idempotent producer.") (the at-most-once preset sets it; give --retries too)'],
  [['--mode', 'exactly-once', '--max-in-flight', '6'], 'invalid --max-in-flight 6: expected at most 5 with enable.idempotence=true (Kafka: "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.")'],
  [['--auto-commit-style', 'sometimes'], 'invalid --auto-commit-style'],
  [['--delivery-timeout-ms', '0'], 'invalid --delivery-timeout-ms'],
  // KafkaProducer.configureDeliveryTimeout (2.1+) refuses a delivery.timeout.ms set below request.timeout.ms (+ linger.ms)
  [['--delivery-timeout-ms', '10'], 'invalid --delivery-timeout-ms 10: expected at least --request-timeout-ms 15 (Kafka: "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms")'],
  [['--mode', 'exactly-once', '--request-timeout-ms', '200', '--delivery-timeout-ms', '150'], 'invalid --delivery-timeout-ms 150: expected at least --request-timeout-ms 200'],
  // Kafka transactions: a transactional.id needs idempotence (KafkaProducer refuses it otherwise)
  [['--transactions', 'true'], 'invalid --transactions true: expected false unless idempotence is on (Kafka: "Cannot set a transactional.id without also enabling idempotence.")'],
  [['--transactions', 'yes'], 'invalid --transactions "yes"'],
  [['--transaction-messages', '0'], 'invalid --transaction-messages "0": expected an integer from 1 to 1000'],
  [['--isolation-level', 'read-committed'], 'invalid --isolation-level "read-committed": expected one of read_uncommitted, read_committed'],
  [['--min-insync-replicas', '4'], 'invalid --min-insync-replicas 4: expected an integer from 1 to 3'],
  [['--min-insync-replicas', '3', '--replication-factor', '2'], 'invalid --min-insync-replicas 3: expected an integer from 1 to 2'],
  [['--retry-backoff-max-ms', '1', '--retry-backoff-ms', '5'], 'invalid --retry-backoff-max-ms 1: expected a number from 5 to 60000'],
  // unknown options, stray arguments, output options
  [['--bogus'], "unknown option '--bogus'"],
  [['-x'], "unknown option '-x'"],
  [['--json=yes'], "unknown option '--json=yes'"],
  [['stray'], "unknown command 'stray' (see "],
  [['--seed', '1', 'extra'], "unknown command 'extra'"],
  [['list', 'extra'], "too many arguments for 'list'"],
  [['list', '--bogus'], "unknown option '--bogus'"],
  [['--trace'], "'--trace <file>' argument missing"],
  [['--trace', ''], 'invalid --trace "": expected a file path'],
  // search kinds and plans the world has no place for (these exited 3, or searched nothing and passed)
  [['check', '--mode', 'at-least-once', '--messages', '5', '--runs', '3', '--kinds', 'broker-crash'], 'invalid --kinds "broker-crash": "broker-crash" needs a broker cluster (--nodes N)'],
  [['check', '--mode', 'at-least-once', '--messages', '5', '--runs', '3', '--kinds', 'transaction-abort'], 'invalid --kinds "transaction-abort": "transaction-abort" needs --transactions true'],
  [['explore', '--mode', 'at-least-once', '--messages', '3', '--kinds', 'ack-lost,ack-lost'], 'invalid --kinds "ack-lost,ack-lost": "ack-lost" is listed twice'],
  [['explore', '--mode', 'at-least-once', '--messages', '3', '--max-runs', '5', '--emit-corpus', ''], 'invalid --emit-corpus "": expected a folder'],
  [['explore', '--mode', 'at-least-once', '--messages', '3', '--max-runs', '5', '--emit-corpus', 'package.json/corpus'], 'invalid --emit-corpus "package.json/corpus": a part of that path is a file, not a folder'],
  [['--messages', '5', '--plan', '{"version":1,"faults":[{"kind":"transaction-abort","message":"m3"}]}'], 'fault #1 (transaction-abort) needs a transactional producer: give --transactions true'],
  [['--messages', '5', '--plan', '{"version":1,"faults":[{"kind":"producer-crash","message":"m3","point":"before-commit"}]}'], 'fault #1 (producer-crash at point "before-commit") needs a transactional producer'],
  // rates named twice or that no fault of the world draws on, flags that would be dropped silently
  [['--faults', 'drop=0.1,drop=0.2'], 'invalid --faults "drop=0.1,drop=0.2": "drop" is given twice'],
  [['--faults', 'unroutable=0.5'], 'invalid --faults "unroutable=0.5": no fault of this world draws on the rate "unroutable" (it is not a kafka rate)'],
  [['--faults', 'default,transaction=0.5'], 'no fault of this world draws on the rate "transaction" (it needs --transactions true)'],
  [['--broker', 'rabbitmq', '--faults', 'transaction=0.5'], 'no fault of this world draws on the rate "transaction" (it is not a rabbitmq rate)'],
  [['--report-wall-time'], '--report-wall-time adds figures to a report: give --report <file.md> too'],
  [['sweep', '--seeds', '2', '--vary', 'drop=0..0.1:0.05', '--vary', 'dup=0..0.1:0.05'], '--vary given twice ("drop=0..0.1:0.05" and "dup=0..0.1:0.05")'],
  [['sweep', '--seeds', '2', '--vary', 'unroutable=0..0.1:0.05'], 'invalid --vary "unroutable=0..0.1:0.05": no fault of this world draws on the rate "unroutable"'],
];

describe.concurrent('bad input: one line, exit 2, no stack trace', () => {
  for (const [args, fragment] of BAD_INPUTS) {
    it(`simulate ${args.map((arg) => (arg === '' ? "''" : arg)).join(' ')}`, async () => {
      expectOneLineError(await runCli(args), [fragment]);
    });
  }
});

describe('bad input is refused before anything runs or is written', () => {
  it('a bad option after a good --trace leaves no file behind', async () => {
    const dir = badDir();
    const run = await runCli(['--trace', join(dir, 'trace.ndjson'), '--acks', 'two']);
    expect(run.status).toBe(2);
    expect(existsSync(join(dir, 'trace.ndjson'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.concurrent('plan files at the edges', () => {
  const planFile = (name: string, text: string | Buffer): string => {
    const path = join(planDir(), name);
    writeFileSync(path, text);
    return path;
  };
  const small = ['--seed', '1', '--messages', '2'];

  it('a plan nested 5,000 deep is bad input, quoted short (JSON.stringify overflowed the stack: exit 3)', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const run = await runCli([...small, '--plan', planFile('deep.json', `{"version":1,"faults":[${deep}]}`)]);
    expectOneLineError(run, ['invalid --plan', 'fault #1: must be an object', 'got [[[[[[…]]]]]]']);
    const meta = await runCli([...small, '--plan', planFile('deep-meta.json', `{"version":1,"faults":[],"meta":{"note":${deep}}}`)]);
    expectOneLineError(meta, ['"meta.note" must be a string', '…']);
  });

  it('a UTF-8 byte order mark is skipped: the plan runs as without it', async () => {
    const text = '{"version":1,"faults":[{"kind":"producer-crash","message":"m1","point":"after-send"}]}';
    const plain = await runCli([...small, '--json', '--plan', planFile('plan.json', text)]);
    const bom = await runCli([...small, '--json', '--plan', planFile('plan.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))]);
    expect(bom.stderr).toBe('');
    expect(bom.status).toBe(plain.status);
    const hash = (run: { stdout: string }): unknown => (JSON.parse(run.stdout) as { traceHash: string }).traceHash;
    expect(hash(bom)).toBe(hash(plain));
  });

  it('a 50 MB bad plan gets a short error line: echoed values are cut', async () => {
    const huge = 'x'.repeat(50_000_000);
    const run = await runCli([...small, '--plan', planFile('huge.json', `{"version":1,"faults":"${huge}"}`)]);
    expectOneLineError(run, ['"faults" must be an array', '(50000000 characters)']);
    expect(run.stderr.length).toBeLessThan(400);
    const key = await runCli([...small, '--plan', planFile('key.json', `{"version":1,"faults":[],"${huge}":1}`)]);
    expectOneLineError(key, ['unknown top-level field', '(50000000 characters)']);
    expect(key.stderr.length).toBeLessThan(400);
  });

  it("a plan's huge recorded replay never reaches the override note: one short line", async () => {
    const replay = `simulate --seed 5\n${'x'.repeat(1_000_000)}`;
    const run = await runCli([...small, '--seed', '6', '--plan', planFile('noted.json', JSON.stringify({ version: 1, faults: [], meta: { seed: 5, replay } }))]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^simulate: note: --seed 6 overrides the --seed 5 that plan .*noted\.json was recorded with\n$/);
    expect(run.stderr.length).toBeLessThan(600);
  });

  it('a long option value is cut in the error line too', async () => {
    const long = 'y'.repeat(100_000);
    for (const args of [['--mode', long], ['--faults', `drop=${long}`], ['--scenario', long], ['--plan', long], ['--trace', `${long}.ndjson`], [`--${long}`]]) {
      const run = await runCli([...small, ...args]);
      expectOneLineError(run, [args[0].slice(0, 20)]);
      expect(run.stderr.length, args[0].slice(0, 20)).toBeLessThan(600);
    }
  });
});

describe('standard output that cannot be written', () => {
  const hasDevFull = existsSync('/dev/full');

  it.skipIf(!hasDevFull)(`> /dev/full is one line on stderr and exit 2, not a stack trace and exit 1${hasDevFull ? '' : ' (skipped: this machine has no /dev/full)'}`, async () => {
    for (const extra of [[], ['--json'], ['--scenario', 'crash-after-early-commit', '--commit', 'before-process']]) {
      const full = openSync('/dev/full', 'w');
      const child = spawn(process.execPath, [CLI_MAIN, '--seed', '1', '--messages', '3', ...extra], { stdio: ['ignore', full, 'pipe'] });
      closeSync(full);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [status] = (await once(child, 'close')) as [number | null];
      expect(stderr).not.toContain('    at ');
      expect(stderr).toBe('simulate: cannot write standard output: no space left on the device (ENOSPC)\n');
      expect(status).toBe(2);
    }
  });

  // A guard, not a fix: the CLI was quiet on EPIPE before too; its stdout handler is new, so keep it so.
  it('a reader that stops early (| head) is no error: quiet, the files are written, the exit code is the run\'s', async () => {
    const dir = epipeDir();
    const report = join(dir, 'report.md');
    // The trace goes to stdout after the printed run: far more than a pipe holds, so the writer meets the closed pipe.
    const child = spawn(process.execPath, [CLI_MAIN, '--seed', '1', '--messages', '300', '--trace', '/dev/stdout', '--report', report], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const [status] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('simulate --mode at-least-once --seed 1 --messages 300');
  });
});
