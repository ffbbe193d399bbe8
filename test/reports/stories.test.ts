/**
 * Causal stories: for each mechanism the scenarios force (and the ones plans force), the story names the
 * right message, the right window and the right cause, with times and offsets read from the same trace.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INVARIANT_NAMES, MODE_NAMES, SCENARIOS, rabbitMqSettingsArb, resolveConfig, runSimulation, simulate, toFaultSource } from '../../index.js';
import type { Fault, FaultPlan, InvariantName, ModeName, SimulationInput, SimulationResult } from '../../index.js';
import type { LooseRecord } from '../helpers/model-run.js';
import { at } from '../../reports/format.js';
import { explainInvariant, explainWitness, fallbackStory } from '../../reports/story.js';
import { renderRunReport } from '../../reports/run-report.js';
import { describeFault } from '../../models/faults/catalog.js';
import type { Story } from '../../reports/story.js';
import { TraceFacts } from '../../reports/trace-facts.js';

function scenarioRun(name: string, mode: ModeName): SimulationResult {
  const scenario = SCENARIOS.find((item) => item.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return simulate({ family: scenario.family, mode, seed: 1, settings: scenario.settings, workload: scenario.workload, topology: scenario.topology, timing: scenario.timing, faults: scenario.faults });
}

const small = { messages: 6, keys: 2, partitions: 1 };
function planRun(mode: ModeName, faults: Fault[], extra: Partial<SimulationInput> = {}): SimulationResult {
  return simulate({ mode, seed: 1, workload: small, ...extra, faults: { version: 1, faults } });
}

function storyOf(result: SimulationResult, invariant: InvariantName, msg: string): Story {
  const story = explainInvariant(result, invariant).find((item) => item.msg === msg);
  if (story === undefined) throw new Error(`no ${invariant} story for ${msg}: ${result.invariants[invariant].witnesses.map((witness) => witness.msg).join(', ')}`);
  return story;
}

const first = (result: SimulationResult, test: (record: LooseRecord) => boolean): LooseRecord => {
  const record = (result.trace as LooseRecord[]).find(test);
  if (record === undefined) throw new Error('record not found');
  return record;
};

describe('duplicate stories', () => {
  it('lost ack → retry → duplicate append (lost-ack-retry, at-least-once)', () => {
    const result = scenarioRun('lost-ack-retry', 'at-least-once');
    const story = storyOf(result, 'duplicates', 'm3');
    const appends = (result.trace as LooseRecord[]).filter((record) => record.kind === 'append' && record.msg === 'm3');
    const ackLost = first(result, (record) => record.kind === 'fault' && (record.fault).kind === 'ack-lost');
    expect(story.mechanism).toBe('lost ack, then a retry: duplicate in the log');
    expect(story.text).toMatch(/^m3 was applied to the DB twice: /);
    expect(story.text).toContain(`at offset ${appends[0].offset as number} (${at(appends[0].t)}), but the broker's ack was lost on the way back (${at(ackLost.t)})`);
    expect(story.text).toContain(`appended m3 again at offset ${appends[1].offset as number}`);
    expect(story.text).toContain('without enable.idempotence');
    expect(story.records).toContain(ackLost);
  });

  it('crash after the DB commit → redelivery (crash-after-db-commit, at-least-once)', () => {
    const result = scenarioRun('crash-after-db-commit', 'at-least-once');
    const crash = first(result, (record) => record.kind === 'crash' && record.actor === 'g1/c1');
    const resumed = (result.trace as LooseRecord[]).filter((record) => record.kind === 'resumed').at(-1) as LooseRecord;
    for (const msg of ['m2', 'm3']) {
      const story = storyOf(result, 'duplicates', msg);
      expect(story.mechanism).toBe('crash after the DB commit, before the offset commit: redelivery');
      expect(story.text).toContain(`crashed at ${at(crash.t)}, right after the DB commit of m3 and before committing its offset`);
      expect(story.text).toContain(`resumed from offset ${(resumed.positions as number[])[0]} and processed ${msg} again (delivery 2)`);
      expect(story.records).toContain(crash);
    }
  });

  it('lost DB reply → retried write', () => {
    const result = planRun('at-least-once', [{ kind: 'db-reply-lost', message: 'm3', attempt: 1 }]);
    const story = storyOf(result, 'duplicates', 'm3');
    const commits = result.trace.filter((record) => record.kind === 'db-commit' && record.msg === 'm3');
    expect(story.mechanism).toBe('lost DB reply, then a retried write');
    expect(story.text).toContain(`committed the consumer's write of m3 (attempt 1) at ${at(commits[0].t)} but its reply was lost`);
    expect(story.text).toContain(`retried the write (attempt 2, dbRetries=100)`);
    expect(story.text).toContain(`applied it again at ${at(commits[1].t)}`);
  });

  it('producer crash → outbox re-send → duplicate append', () => {
    const result = planRun('at-least-once', [{ kind: 'producer-crash', message: 'm2', point: 'after-handover' }]);
    const story = storyOf(result, 'duplicates', 'm1');
    expect(story.mechanism).toBe('producer crash, outbox re-send: duplicate in the log');
    expect(story.text).toContain('right after being handed m2');
    expect(story.text).toContain('re-sent everything still in its outbox (producerBuffer=outbox), m1 included');
  });

  it('producer gives up → outbox relay re-send → duplicate append, no crash named', () => {
    // retries=1: after two lost acks the producer gives m2 up; its outbox row stays and the relay publishes it again.
    const result = planRun(
      'at-least-once',
      [
        { kind: 'ack-lost', message: 'm2', attempt: 1 },
        { kind: 'ack-lost', message: 'm2', attempt: 2 },
      ],
      { settings: { retries: 1 } },
    );
    expect(result.trace.some((record) => record.kind === 'crash')).toBe(false);
    const story = storyOf(result, 'duplicates', 'm2');
    expect(story.mechanism).toBe('lost ack, then a retry: duplicate in the log; producer gave up, outbox relay re-send: duplicate in the log');
    expect(story.mechanism).not.toContain('crash');
    expect(story.text).toContain('so the outbox relay published it again');
  });

  it('dedup key outside the transaction → redelivery passes the check', () => {
    const result = scenarioRun('dedup-outside-transaction', 'exactly-once');
    const story = storyOf(result, 'duplicates', 'm3');
    expect(result.invariants.duplicates.status).toBe('VIOLATED');
    expect(story.mechanism).toBe('crash between the effect and the dedup mark: redelivery passes the check');
    expect(story.text).toContain('dedup=separate-transaction');
  });

  it('a lost offset commit is named when a crash then re-delivers', () => {
    const result = planRun('at-least-once', [
      { kind: 'commit-lost', partition: 0, offset: 3, attempt: 1 },
      { kind: 'consumer-crash', message: 'm4', delivery: 1, point: 'mid-process' },
    ]);
    const story = storyOf(result, 'duplicates', 'm2');
    expect(story.text).toContain('its commit of offset 3 had been lost on the way to the broker');
    expect(story.text).toContain('in the middle of processing m4');
  });
});

describe('loss stories', () => {
  it('acks=0 lost request: no retry (lost-request, at-most-once)', () => {
    const result = scenarioRun('lost-request', 'at-most-once');
    const story = storyOf(result, 'loss', 'm3');
    expect(story.mechanism).toBe('produce request lost with acks=0: no retry');
    expect(story.text).toBe('m3 was never applied to the DB: its produce request (attempt 1) was lost on the way to the broker (t=4 ms); with acks=0 the producer does not wait for an answer, so it never learned of the loss and never retried.');
  });

  it('early commit + crash → loss (crash-after-early-commit, at-most-once)', () => {
    const result = scenarioRun('crash-after-early-commit', 'at-most-once');
    const story = storyOf(result, 'loss', 'm3');
    const crash = first(result, (record) => record.kind === 'crash' && record.actor === 'g1/c1');
    const fetch = first(result, (record) => record.kind === 'fetched' && (record.msgs as string[]).includes('m3'));
    expect(story.mechanism).toBe('offset committed before processing, then a crash');
    expect(story.text).toContain(`fetched it at ${at(fetch.t)}`);
    expect(story.text).toContain(`with commit=before-process it committed offset ${fetch.position as number}`);
    expect(story.text).toContain(`crashed at ${at(crash.t)}, right after fetching m3, before processing it`);
    expect(story.text).toContain(`resumed from the committed offset ${fetch.position as number}, past m3`);
  });

  it('acks=1 failover truncates an acknowledged write (leader-failover-acks-1, at-least-once)', () => {
    const result = scenarioRun('leader-failover-acks-1', 'at-least-once');
    const story = storyOf(result, 'loss', 'm3');
    const elected = first(result, (record) => record.kind === 'leader-elected');
    expect(result.invariants.loss.status).toBe('VIOLATED');
    expect(story.mechanism).toBe('acks=1 and a leader failover: acknowledged write truncated');
    expect(story.text).toMatch(/^m3 was never applied to the DB, although the broker had acknowledged it to the producer: /);
    expect(story.text).toContain('with acks=1 acknowledged it at once');
    expect(story.text).toContain(`replica ${elected.replica as number} was elected leader at ${at(elected.t)} with a log of ${elected.logEnd as number} records`);
    expect(story.records.map((record) => record.kind)).toEqual(expect.arrayContaining(['append', 'acked', 'leader-failed', 'leader-elected', 'truncated']));
  });

  it('auto-commit while processing + crash → loss of the whole batch (auto-commit-slow-consumer)', () => {
    const result = scenarioRun('auto-commit-slow-consumer', 'at-least-once');
    const stories = explainInvariant(result, 'loss');
    expect(stories.map((story) => story.msg)).toEqual(result.invariants.loss.witnesses.map((witness) => witness.msg));
    for (const story of stories) {
      expect(story.mechanism).toBe('auto-commit ahead of processing, then a crash');
      expect(story.text).toContain('auto.commit.interval.ms=2');
      expect(story.text).toContain('in the middle of processing m2');
      expect(story.text).toContain(`past ${story.msg}, so ${story.msg} was never processed`);
    }
  });

  it('producer crash with an in-memory buffer', () => {
    const result = planRun('at-most-once', [{ kind: 'producer-crash', message: 'm3', point: 'after-handover' }]);
    const story = storyOf(result, 'loss', 'm3');
    expect(story.mechanism).toBe('producer crash with an in-memory buffer');
    expect(story.text).toContain('producerBuffer=memory');
    expect(story.records.map((record) => record.kind)).toEqual(expect.arrayContaining(['crash', 'buffer-lost']));
  });

  it('no leader: refused request, no retry left', () => {
    const result = scenarioRun('leader-failover-acks-1', 'at-most-once');
    const story = storyOf(result, 'loss', 'm4');
    expect(story.text).toContain('partition 0 had no leader (NOT_LEADER_OR_FOLLOWER)');
    expect(story.text).toContain('the producer gave up on m4 at once (retries=0)');
  });

  it('a partition on the consumer-db link and no DB retries', () => {
    const result = planRun('at-most-once', [{ kind: 'partition', link: 'consumer-db', fromMs: 8, durationMs: 20 }]);
    const story = storyOf(result, 'loss', result.invariants.loss.witnesses[0].msg);
    expect(story.mechanism).toBe('DB write failed, consumer gave up');
    expect(story.text).toContain('the consumer-db link was cut');
    expect(story.text).toContain('with dbRetries=0 it gave up');
  });
});

describe('order stories', () => {
  it('lost request, retry overtaken by in-flight requests (retry-reorder, at-least-once)', () => {
    const result = scenarioRun('retry-reorder', 'at-least-once');
    const witness = result.invariants.order.witnesses[0];
    const story = storyOf(result, 'order', witness.msg);
    expect(story.msgs[0]).toBe('m1');
    expect(witness.summary).toContain(`after ${story.msgs[1]}`);
    expect(story.text).toMatch(new RegExp(`^m1 and ${story.msgs[1]} share key k0 and the producer was handed m1 first`));
    expect(story.text).toContain("m1's first produce request was lost on the way to the broker");
    expect(story.text).toContain('max.in.flight.requests=5');
  });

  it('an outbox relay re-send overtaken by later records is named for the relay, not for requests in flight', () => {
    // max.in.flight.requests=1: no request ever overtakes another in flight; the relay's re-send comes after the rest.
    const result = planRun('at-least-once', [{ kind: 'request-lost', message: 'm1', attempt: 1 }], { workload: { messages: 6, keys: 1, partitions: 1 }, settings: { retries: 0, maxInFlight: 1 } });
    const story = storyOf(result, 'order', 'm1');
    expect(story.mechanism).toBe('outbox relay re-send overtaken by later records: reordered log');
    expect(story.text).toContain('so the outbox relay published it again at');
    const inFlight = scenarioRun('retry-reorder', 'at-least-once');
    expect(storyOf(inFlight, 'order', inFlight.invariants.order.witnesses[0].msg).mechanism).toBe('retry overtaken by in-flight requests: reordered log (max.in.flight.requests=5)');
  });

  it('a record its aborted transaction sent again, overtaken meanwhile, is told by the abort', () => {
    // A drawn world (a 3-broker cluster, transactions read uncommitted, two groups and producers) where it happens.
    const settings = { maxInFlight: 1, producerBuffer: 'memory', nodes: 3, uncleanLeaderElection: true, transactions: true, isolationLevel: 'read_uncommitted', commit: 'before-process', dbRetries: 4, onError: 'retry', processingRetries: 'unlimited', assignor: 'round-robin' } as const;
    const result = simulate({ mode: 'exactly-once', seed: 71, settings, faults: 'chaos', workload: { messages: 15 }, topology: { groups: 2, producers: 2 } });
    const story = storyOf(result, 'order', 'm7');
    expect(story.mechanism).toBe('aborted transaction sent again behind later records: reordered log');
    expect(story.text).toMatch(/the application aborted the transaction holding it \(transaction 2, t=[\d.]+ ms\), so the transform stage sent it again in transaction 3 at t=[\d.]+ ms \(attempt 2\)/);
  });

  it('a refused request during a failover, overtaken by a later one', () => {
    // A short election: the producer learns the leader is back before the refused request's retry backoff is over.
    const plan: FaultPlan = { version: 1, faults: [{ kind: 'leader-failover', message: 'm3' }] };
    const result = simulate({ mode: 'at-least-once', seed: 1, faults: plan, settings: { acks: 1, enableIdempotence: false, leaderElectionMs: 0.5 }, workload: { messages: 6, keys: 2, partitions: 1, produceIntervalMs: 0.1 } });
    const witness = result.invariants.order.witnesses[0];
    const story = storyOf(result, 'order', witness.msg);
    expect(story.text).toContain('had no leader (NOT_LEADER_OR_FOLLOWER)');
    expect(story.text).toContain(`behind ${story.msgs[1]}`);
  });

  it('dead-lettered, then redelivered by a crash before the offset commit, and applied behind later records: parked and applied', () => {
    // m1 fails its 4 deliveries (processing-retries=3) and is dead-lettered; the commit of its offset is lost and the
    // consumer crashes after applying m2, before any commit moved past m1: the restart delivers m1 again, which
    // now succeeds.
    const faults: Fault[] = [
      { kind: 'processing-error', message: 'm1', deliveries: 4 },
      { kind: 'commit-lost', partition: 0, offset: 1, attempt: 1 },
      { kind: 'consumer-crash', message: 'm2', delivery: 1, point: 'after-db-commit' },
    ];
    const result = simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 8, keys: 2, partitions: 1 }, faults: { version: 1, faults } });
    expect(result.parked).toMatchObject({ count: 1, alsoApplied: 1 });
    expect(result.parked.witnesses[0].summary).toBe('m1 (key k0) was parked in the dead-letter topic: its processing kept failing, and a later redelivery applied it too');
    const story = storyOf(result, 'order', 'm1');
    expect(story.mechanism).toBe('dead-lettered, then redelivered and applied behind later records');
    expect(story.text).toMatch(/^m1 and m2 share key k0 .*: m1 sits before m2 in the log \(offsets 0 and 1\), but its processing kept failing: after processing-retries=3 the consumer published it to events\.DLT at t=[\d.]+ ms \(on-error=dead-letter\) and went on to the records behind it, m2 among them \(applied at t=[\d.]+ ms\)/);
    expect(story.text).toMatch(/m1 was then delivered again at t=[\d.]+ ms \(delivery 5: the group's committed offset had not moved past it\) and applied at t=[\d.]+ ms, behind m2\. It is now both in events\.DLT and applied\.$/);
    // With its offset committed (as Spring commits a recovered record's), the same crash leaves m1 parked only.
    const parkedOnly = simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 8, keys: 2, partitions: 1 }, faults: { version: 1, faults: [faults[0], faults[2]] } });
    expect(parkedOnly.parked).toEqual({ count: 1, witnesses: [expect.objectContaining({ summary: 'm1 (key k0) was parked in the dead-letter topic: its processing kept failing' })] });
  });

  it('a handler run\'s order story reads the applications off the DB effects (it said t=0 ms and offsets -1)', async () => {
    // The handler throws on m1's first 4 deliveries (a poison message, then fixed); the commit of m1's offset is
    // lost and the consumer crashes once m2's increment was answered.
    const plan: FaultPlan = { version: 1, faults: [{ kind: 'commit-lost', partition: 0, offset: 1, attempt: 1 }, { kind: 'consumer-crash', message: 'm2', delivery: 1, afterCall: 1 }] };
    const handler = async (record: { id: string; key: string; delivery: number }, db: { increment(table: string, key: string, by: number): Promise<number> }): Promise<void> => {
      if (record.id === 'm1' && record.delivery <= 4) throw new Error('poison');
      await db.increment('ledger', record.key, 1);
    };
    const result = await simulate({ mode: 'at-least-once', seed: 1, workload: { messages: 8, keys: 2, partitions: 1 }, faults: plan, handler, effects: ['ledger'] });
    const story = storyOf(result, 'order', 'm1');
    expect(story.mechanism).toBe('dead-lettered, then redelivered and applied behind later records');
    expect(story.text).toContain('m1 sits before m2 in the log (offsets 0 and 1)');
    expect(story.text).not.toMatch(/t=0 ms|offsets? -1/);
  });
});

describe('outbox re-sends', () => {
  it('a restart re-sends the outbox: the attempt it queued is told with the time it was really sent', () => {
    // Short deadlines under chaos: re-sent records often wait in the queue (the in-flight window, a leader).
    let claims = 0;
    let delayed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const result = simulate({ mode: 'at-least-once', seed, faults: 'chaos', settings: { deliveryTimeoutMs: 20 } });
      for (const invariant of ['duplicates', 'order'] as const) {
        for (const story of explainInvariant(result, invariant)) {
          for (const claim of story.text.matchAll(/after restarting at t=([0-9.]+) ms[^;]*?re-sent everything still in its outbox \(producerBuffer=outbox\), (m\d+) included \(attempt (\d+)(?:, sent at t=([0-9.]+) ms)?/g)) {
            claims++;
            const [, restartMs, msg, attempt, sentMs] = claim;
            if (sentMs !== undefined) delayed++;
            const send = (result.trace as LooseRecord[]).find((record) => record.kind === 'send' && record.msg === msg && record.attempt === Number(attempt));
            expect(send?.t, `seed ${seed}: ${msg} attempt ${attempt}`).toBe(Math.round(Number(sentMs ?? restartMs) * 1000));
          }
        }
      }
    }
    expect(claims).toBeGreaterThan(20);
    expect(delayed).toBeGreaterThan(0);
  });
});

describe('RabbitMQ stories', () => {
  it('speak RabbitMQ: no produce requests, offsets or logs, and every redelivery told by its cause', () => {
    // A DB write retried within one delivery used to hand the whole story to Kafka's duplicate story.
    const kafkaWords = /produce request|offset commit|committing its offset|committed offset|enable\.idempotence|appended|the log\b/;
    let stories = 0;
    for (const mode of ['at-most-once', 'at-least-once', 'exactly-once'] as const) {
      for (let seed = 1; seed <= 40; seed++) {
        const result = simulate({ family: 'rabbitmq', mode, seed, faults: 'chaos' });
        for (const invariant of ['loss', 'duplicates', 'order'] as const) {
          for (const story of explainInvariant(result, invariant)) {
            stories++;
            expect(story.text, `${mode} seed ${seed}: ${story.msg}`).not.toMatch(kafkaWords);
            // Every redelivery has its cause: a consumer crash, a lost basic.ack, a closed channel, a broker restart.
            expect(story.text, `${mode} seed ${seed}: ${story.msg}`).not.toContain('its basic.ack never settled it');
          }
        }
      }
    }
    expect(stories).toBeGreaterThan(200);
  });

  it('speak RabbitMQ over drawn settings and topologies too: no Kafka step, no fallback, and a group told from its own queue alone', () => {
    const kafkaWords = /produce request|offset commit|committed offset|appended|the log\b|never sent|partition stayed blocked|its partition/;
    let stories = 0;
    for (const mode of ['at-most-once', 'at-least-once', 'exactly-once'] as const) {
      fc.sample(rabbitMqSettingsArb(mode), { seed: 7, numRuns: 40 }).forEach((settings, index) => {
        const topology = index % 3 === 0 ? { consumers: 2 } : index % 3 === 1 ? { groups: 2, producers: 2 } : {};
        const result = simulate({ family: 'rabbitmq', mode, seed: index + 1, settings, topology, workload: { messages: 15 }, faults: 'chaos' });
        const facts = new TraceFacts(result);
        for (const invariant of ['loss', 'duplicates', 'order', 'liveness'] as const) {
          for (const witness of result.invariants[invariant].witnesses) {
            const story = explainWitness(facts, result.invariants[invariant], witness);
            stories++;
            const where = `${mode} #${index} ${JSON.stringify(settings)} ${JSON.stringify(topology)}: ${story.msg}`;
            expect(story.text, where).not.toMatch(kafkaWords);
            expect(story.mechanism, where).not.toBe('see the trace');
            if (witness.group !== undefined) for (const record of story.records) if ('queue' in record) expect(record.queue, where).toBe(witness.group);
          }
        }
      });
    }
    expect(stories).toBeGreaterThan(300);
  });

  it('tells the RabbitMQ losses the shared stories got wrong: a push void on a closed channel, a DB write given up, a full queue refusing', () => {
    const rabbit = (settings: Record<string, unknown>, workload: Record<string, number>, faults: Fault[]) => simulate({ family: 'rabbitmq', mode: 'at-most-once', seed: 1, settings, workload: { messages: 6, keys: 2, ...workload }, faults: { version: 1, faults } });
    const restart = rabbit({}, { burst: 6 }, [{ kind: 'broker-restart', message: 'm3' }]);
    const pushed = storyOf(restart, 'loss', 'm1');
    expect(pushed.mechanism).toBe('autoAck: pushed as the connection closed, never received');
    expect(pushed.text).toContain("the broker pushed it with autoAck, forgetting it at once, as the consumer's connection closed");
    const cut = rabbit({ autoAck: false }, {}, [{ kind: 'partition', link: 'consumer-db', fromMs: 4, durationMs: 6 }]);
    const gaveUp = storyOf(cut, 'loss', 'm2');
    expect(gaveUp.mechanism).toBe('DB write failed, consumer gave up');
    expect(gaveUp.text).toMatch(/with dbRetries=0 it gave up at t=[\d.]+ ms and moved on to the next record, acknowledging it \(basic\.ack, t=[\d.]+ ms\) so the queue forgot it/);
    const full = rabbit({ autoAck: false, prefetch: 1, maxLength: 2, overflow: 'reject-publish' }, { burst: 6 }, []);
    const refused = storyOf(full, 'loss', 'm6');
    expect(refused.mechanism).toBe('refused by a full queue (reject-publish) without publisher confirms: silent loss');
    expect(refused.text).toContain('the full queue refused every basic.publish (x-max-length 2, x-overflow=reject-publish');
  });

  it('each copy in the queue is told by the re-publish that made it: a restart re-sends the outbox, the relay a row given up', () => {
    const result = simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, faults: 'chaos' });
    const story = storyOf(result, 'duplicates', 'm7');
    const restart = first(result, (record) => record.kind === 'outbox-resend' && (record.msgs as string[]).includes('m7'));
    expect(result.trace.some((record) => record.kind === 'restart' && record.actor === restart.actor && record.t === restart.t)).toBe(true);
    expect(story.text).toContain(`after restarting it re-published every row still in its outbox (${at(restart.t)}`);
    expect(story.mechanism).toBe('publisher crash, outbox re-publish: duplicate in the queue; confirm lost or late, then a re-publish: duplicate in the queue');
    expect(story.text).not.toContain('outbox relay');
  });

  it('an order break with one consumer is never blamed on competing consumers: the applied copy was re-published behind', () => {
    let told = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const result = simulate({ family: 'rabbitmq', mode: 'at-least-once', seed, faults: 'chaos' });
      for (const story of explainInvariant(result, 'order')) {
        told++;
        expect(story.mechanism, `seed ${seed}: ${story.msg}`).not.toBe('competing consumers');
      }
    }
    expect(told).toBeGreaterThan(20);
    const seed1 = storyOf(simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, faults: 'chaos' }), 'order', 'm15');
    expect(seed1.text).toContain('the publisher re-published it (attempt 8)');
  });

  it('competing consumers: the requeued message and the later one another consumer took are both named; with a single active consumer the order holds', () => {
    const scenario = SCENARIOS.find((item) => item.name === 'competing-consumers-reorder');
    if (scenario === undefined) throw new Error('no scenario competing-consumers-reorder');
    const input = { family: 'rabbitmq' as const, mode: 'exactly-once' as const, seed: 2, workload: scenario.workload, topology: scenario.topology, faults: scenario.faults };
    const story = storyOf(simulate(input), 'order', 'm1');
    expect(story.mechanism).toBe('requeued, then competing consumers in parallel');
    expect(story.text).toMatch(/^m1 was applied out of its key's order: the business logic threw on it \(t=[\d.]+ ms\) and g1\/c(\d) nacked it with requeue=true \(t=[\d.]+ ms\); it was requeued at t=[\d.]+ ms and redelivered to g1\/c\d, while g1\/c\d had taken m2 of the same key \(t=[\d.]+ ms\) and committed it first \(t=[\d.]+ ms\): competing consumers process a queue's messages in parallel \(x-single-active-consumer keeps one consumer at a time\)\.$/);
    const taker = /while (g1\/c\d) had taken m2/.exec(story.text)?.[1];
    const redelivered = /redelivered to (g1\/c\d)/.exec(story.text)?.[1];
    expect(taker).not.toBe(redelivered);
    expect(simulate({ ...input, settings: { singleActiveConsumer: true } }).invariants.order.status).toBe('holds');
  });

  it('a consumer crash after the DB commit comes before its basic.ack, in the story, the fault list, the report and the diagram', () => {
    const crash: Fault = { kind: 'consumer-crash', message: 'm3', delivery: 1, point: 'after-db-commit' };
    expect(describeFault(crash)).toBe('the consumer crashes after the DB commit of m3 (delivery 1) and before committing its offset');
    expect(describeFault(crash, 'rabbitmq')).toBe('the consumer crashes after the DB commit of m3 (delivery 1) and before its basic.ack');
    const result = simulate({ family: 'rabbitmq', mode: 'at-least-once', seed: 1, faults: { version: 1, faults: [crash] } });
    const story = storyOf(result, 'duplicates', 'm3');
    expect(story.text).toContain('right after the DB commit of m3 and before its basic.ack, so the broker requeued it');
    const report = renderRunReport(result, { kind: 'run', toolVersion: '0.1.0', replayCommand: 'simulate --broker rabbitmq --mode at-least-once --seed 1' });
    expect(report).toContain('before its basic.ack');
    expect(report).not.toMatch(/offset commit|committing its offset/);
  });
});

describe('liveness and fallbacks', () => {
  it('a run stopped by a limit tells which limit', () => {
    const result = simulate({ mode: 'at-least-once', seed: 1, limits: { maxEvents: 50 } });
    const [story] = explainInvariant(result, 'liveness');
    expect(result.invariants.liveness.status).toBe('VIOLATED');
    expect(story.text).toContain('the limit of 50 kernel events');
  });

  it('an unrecognised situation still gets the checker summary and the faults that touched the message', () => {
    const result = scenarioRun('lost-ack-retry', 'at-least-once');
    const witness = { msg: 'm3', summary: 'm3 did something odd', records: (result.trace as LooseRecord[]).filter((record) => record.msg === 'm3') };
    const story = fallbackStory('duplicates', witness);
    expect(story.mechanism).toBe('see the trace');
    expect(story.text).toContain('m3 did something odd; faults that touched it: the broker\'s ack for m3 (attempt 1) is lost');
    // explainWitness falls back when the trace has no explanation for the named message.
    const invariant = { ...result.invariants.duplicates, witnesses: [{ msg: 'm99', summary: 'm99 appeared twice', records: [] }] };
    expect(explainWitness(new TraceFacts(result), invariant, invariant.witnesses[0]).text).toBe('m99 appeared twice.');
  });

  it('every break of every scenario and of seeded runs gets a specific story about its witness', () => {
    const runs: SimulationResult[] = [];
    for (const scenario of SCENARIOS) for (const mode of MODE_NAMES) runs.push(scenarioRun(scenario.name, mode));
    for (const mode of MODE_NAMES) for (let seed = 1; seed <= 12; seed++) runs.push(simulate({ mode, seed }));
    let told = 0;
    for (const result of runs) {
      const records = new Set(result.trace);
      for (const name of INVARIANT_NAMES) {
        for (const story of explainInvariant(result, name)) {
          told++;
          const label = `${result.config.mode} seed ${result.config.seed}: ${story.text}`;
          expect(story.mechanism, label).not.toBe('see the trace');
          expect(story.text.startsWith(story.msg), label).toBe(true);
          expect(story.text.endsWith('.'), label).toBe(true);
          for (const record of story.records) expect(records.has(record), label).toBe(true);
        }
      }
    }
    expect(told).toBeGreaterThan(40);
  });
});

describe('stories of a run that kept only the first part of its trace', () => {
  // A long run keeps its first TRACE_KEPT_MAX records; here a short run keeps its first 300, to the same effect.
  const config = resolveConfig({ mode: 'at-most-once', seed: 1, workload: { messages: 200, keys: 2, partitions: 1 } });
  const faults = toFaultSource([
    { kind: 'request-lost', message: 'm2', attempt: 1 },
    { kind: 'request-lost', message: 'm180', attempt: 1 },
  ]);
  const whole = runSimulation(config, faults);
  const cut = runSimulation(config, faults, { trace: { keepMax: 300 } });

  it('keeps the same witnesses and tells an early witness from the kept part, saying so', () => {
    expect(cut.trace).toHaveLength(300);
    expect(cut.stats.traceRecords).toBe(whole.stats.traceRecords);
    expect(cut.invariants.loss.witnesses.map((witness) => witness.msg)).toEqual(['m2', 'm180']);
    const early = storyOf(cut, 'loss', 'm2');
    expect(early.mechanism).toBe(storyOf(whole, 'loss', 'm2').mechanism);
    expect(early.text).toContain(`(Told from the first 300 trace records this run kept, which end at ${at(cut.trace[299].t)}: what came later is not read.)`);
    expect(storyOf(whole, 'loss', 'm2').text).not.toContain('Told from');
  });

  it('does not invent a story for a witness whose records all come after the kept part', () => {
    const told = storyOf(whole, 'loss', 'm180');
    expect(told.mechanism).toBe('produce request lost with acks=0: no retry');
    const late = storyOf(cut, 'loss', 'm180');
    expect(late.mechanism).toBe('not told: after the part of the trace this run kept');
    expect(late.text).toContain('Faults injected on it: the produce request for m180 (attempt 1) is lost before reaching the broker.');
    expect(late.text).toContain('--trace FILE');
    expect(late.text).not.toMatch(/never handed over/);
    expect(late.records).toEqual([]);
  });
});

describe('stories of a message applied thousands of times', () => {
  // A request timeout shorter than the network's latency: every message is re-sent until the run's limit. Its story
  // told each of the 6,000 re-applications, with searches of its own, and took minutes; it tells the first few.
  const result = simulate({ mode: 'at-least-once', seed: 1, settings: { requestTimeoutMs: 0.1 }, workload: { messages: 5 } });

  it('tells the first re-applications and counts the rest', () => {
    const applied = result.effects.filter((effect) => effect.msgId === 'm1').length;
    expect(applied).toBeGreaterThan(1000);
    const story = storyOf(result, 'duplicates', 'm1');
    expect(story.text).toMatch(new RegExp(`^m1 was applied to the DB ${applied} times: `));
    expect(story.text).toContain(`; then ${applied - 6} more times, not told here.`);
    expect(story.text.split('; then ')).toHaveLength(6); // five re-applications told, then the count
  });

  it('lists ten of the offsets of a message its log holds thousands of times', () => {
    const summary = result.stats.logDuplicates.witnesses[0].summary;
    expect(summary).toMatch(/^m1 \(key k\d\) is in partition \d's log \d+ times \(offsets (\d+, ){9}\d+ and \d+ more\)$/);
  });
});
