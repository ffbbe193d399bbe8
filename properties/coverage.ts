/**
 * Dangerous windows: the moments at which one fault is known to break some mode (a crash between the DB commit and
 * the offset commit, a lost ack after the record was stored, ...). Coverage says, per window, how many of its
 * decision points a search reached and how many it actually faulted: the answer to "did testing even get there?".
 * explore, sweep and check all count with the same tally.
 */
import type { FamilyName, SimulationConfig } from '../models/config.js';
import { runSimulation } from '../models/engine.js';
import { faultKey } from '../models/faults/catalog.js';
import type { Fault } from '../models/faults/catalog.js';

export interface DangerousWindow {
  /** A stable id, used as the JSON key. */
  readonly id: string;
  /** In words, as printed: the same for every family, or in each family's own terms. */
  readonly words: string | Readonly<Record<FamilyName, string>>;
  /** The families whose faults can hit it (default: every family). Another family's coverage leaves it out. */
  readonly families?: readonly FamilyName[];
  readonly matches: (fault: Fault) => boolean;
}

const KAFKA: readonly FamilyName[] = ['kafka'];
const RABBITMQ: readonly FamilyName[] = ['rabbitmq'];

const crashAt =
  (point: string) =>
  (fault: Fault): boolean =>
    fault.kind === 'consumer-crash' && fault.point === point;

export const DANGEROUS_WINDOWS: readonly DangerousWindow[] = [
  { id: 'ack-lost', words: "the broker's ack lost after the record was stored", families: KAFKA, matches: (fault) => fault.kind === 'ack-lost' },
  { id: 'request-lost', words: 'a produce request lost before the broker', families: KAFKA, matches: (fault) => fault.kind === 'request-lost' },
  { id: 'request-delayed', words: 'a produce request held up (within or past the request timeout)', families: KAFKA, matches: (fault) => fault.kind === 'request-delayed' },
  { id: 'producer-crash-after-handover', words: 'producer crash after being handed a message, before sending it', matches: (fault) => fault.kind === 'producer-crash' && fault.point === 'after-handover' },
  {
    id: 'producer-crash-after-send',
    words: { kafka: 'producer crash after sending a message, before its ack', rabbitmq: 'producer crash after publishing a message, before its confirm' },
    matches: (fault) => fault.kind === 'producer-crash' && fault.point === 'after-send',
  },
  { id: 'leader-failover', words: 'a partition leader failing right after an append', families: KAFKA, matches: (fault) => fault.kind === 'leader-failover' },
  { id: 'fetch-lost', words: 'a fetch response lost', families: KAFKA, matches: (fault) => fault.kind === 'fetch-lost' },
  { id: 'fetch-duplicated', words: 'a fetch response delivered twice', families: KAFKA, matches: (fault) => fault.kind === 'fetch-duplicated' },
  { id: 'consumer-crash-after-fetch', words: { kafka: 'consumer crash after a fetch, before processing', rabbitmq: 'consumer crash after a delivery, before processing' }, matches: crashAt('after-fetch') },
  { id: 'consumer-crash-mid-process', words: 'consumer crash in the middle of processing', matches: crashAt('mid-process') },
  {
    id: 'consumer-crash-after-db-commit',
    words: { kafka: 'consumer crash between the DB commit and the offset commit', rabbitmq: 'consumer crash between the DB commit and the basic.ack' },
    matches: crashAt('after-db-commit'),
  },
  { id: 'consumer-crash-between-handler-calls', words: "consumer crash between two of a handler's DB calls", matches: (fault) => fault.kind === 'consumer-crash' && fault.afterCall !== undefined },
  { id: 'db-reply-lost', words: "the DB's reply lost after it committed", matches: (fault) => fault.kind === 'db-reply-lost' && fault.call === undefined },
  { id: 'handler-reply-lost', words: "the reply to one of a handler's DB calls lost", matches: (fault) => fault.kind === 'db-reply-lost' && fault.call !== undefined },
  { id: 'commit-lost', words: 'an offset commit lost', families: KAFKA, matches: (fault) => fault.kind === 'commit-lost' },
  { id: 'processing-error', words: 'the business logic throwing on a message', matches: (fault) => fault.kind === 'processing-error' },
  { id: 'partition', words: 'a link cut for a window of time', matches: (fault) => fault.kind === 'partition' },
  // Kafka transactions (--transactions true only).
  { id: 'transaction-abort', words: 'the application aborting a transaction', families: KAFKA, matches: (fault) => fault.kind === 'transaction-abort' },
  { id: 'producer-crash-before-commit', words: "producer crash with a transaction's records appended, before EndTxn", families: KAFKA, matches: (fault) => fault.kind === 'producer-crash' && fault.point === 'before-commit' },
  { id: 'producer-crash-after-commit', words: 'producer crash after sending EndTxn, before its answer', families: KAFKA, matches: (fault) => fault.kind === 'producer-crash' && fault.point === 'after-commit' },
  { id: 'end-txn-response-lost', words: "the coordinator's EndTxn answer lost", families: KAFKA, matches: (fault) => fault.kind === 'end-txn-response-lost' },
  { id: 'transaction-coordinator-failover', words: 'the transaction coordinator failing over between prepare and markers', families: KAFKA, matches: (fault) => fault.kind === 'transaction-coordinator-failover' },
  { id: 'zombie-producer', words: 'a zombie producer instance fenced at its commit', families: KAFKA, matches: (fault) => fault.kind === 'zombie-producer' },
  // RabbitMQ: its publisher confirms, consumer acknowledgements, broker node and quorum queue, and routing.
  { id: 'publish-lost', words: 'a basic.publish lost before the broker', families: RABBITMQ, matches: (fault) => fault.kind === 'publish-lost' },
  { id: 'confirm-lost', words: "the broker's publisher confirm lost after the message was enqueued", families: RABBITMQ, matches: (fault) => fault.kind === 'confirm-lost' },
  { id: 'consumer-ack-lost', words: "a consumer's basic.ack lost with its connection", families: RABBITMQ, matches: (fault) => fault.kind === 'consumer-ack-lost' },
  { id: 'connection-closed', words: "a consumer's connection closed after processing, before its basic.ack", families: RABBITMQ, matches: (fault) => fault.kind === 'connection-closed' },
  { id: 'broker-restart', words: 'the broker node restarting right after an enqueue', families: RABBITMQ, matches: (fault) => fault.kind === 'broker-restart' },
  { id: 'quorum-member-failure', words: 'a quorum queue member failing right after an enqueue', families: RABBITMQ, matches: (fault) => fault.kind === 'quorum-member-failure' },
  { id: 'unroutable', words: "a publish while the exchange has no binding to the queue", families: RABBITMQ, matches: (fault) => fault.kind === 'unroutable' },
  { id: 'dead-letter-unavailable', words: 'a dead-lettering while the dead-letter queue cannot take it', families: RABBITMQ, matches: (fault) => fault.kind === 'dead-letter-unavailable' },
];

/** A window's words in a family's terms. */
function wordsOf(window: DangerousWindow, family: FamilyName): string {
  return typeof window.words === 'string' ? window.words : window.words[family];
}

/** One window's figures: distinct decision points reached and faulted, and the runs that faulted it. */
export interface WindowCoverage {
  id: string;
  words: string;
  /** Distinct decision points of this window reached (null when the search cannot see points it did not fault). */
  reached: number | null;
  /** Distinct decision points of this window faulted in at least one run. */
  faulted: number;
  /** Runs in which some fault hit this window. */
  runsFaulted: number;
}

/**
 * The points each window's faults hit over some runs (sorted keys), and the runs that hit it: what a sweep's pieces
 * (worker chunks, shards) carry so that their union is exactly one pass's.
 */
export interface WindowsFaulted {
  keys: string[][];
  runs: number[];
}

/** Collects WindowsFaulted over runs (its own, and pieces counted elsewhere). */
export class WindowsCollector {
  /** Per window, the points faulted. */
  readonly keys = DANGEROUS_WINDOWS.map(() => new Set<string>());
  /** Per window, the runs that faulted it. */
  readonly runs = DANGEROUS_WINDOWS.map(() => 0);

  run(injected: readonly Fault[]): void {
    // A window's runs count once per run however many of its points the run hit (a Set: more windows than a mask's 31 bits).
    const hit = new Set<number>();
    for (const fault of injected) {
      const index = windowIndex(fault);
      if (index < 0) continue;
      this.keys[index].add(faultKey(fault));
      hit.add(index);
    }
    for (const index of hit) this.runs[index]++;
  }

  /** Runs counted elsewhere (a sweep's chunks or shards), as one. */
  absorb(windows: WindowsFaulted): void {
    DANGEROUS_WINDOWS.forEach((_, index) => {
      for (const key of windows.keys[index] ?? []) this.keys[index].add(key);
      this.runs[index] += windows.runs[index] ?? 0;
    });
  }

  result(): WindowsFaulted {
    return { keys: this.keys.map((keys) => [...keys].sort()), runs: [...this.runs] };
  }
}

/** The union of pieces' WindowsFaulted. */
export function mergeWindows(parts: readonly WindowsFaulted[]): WindowsFaulted {
  return {
    keys: DANGEROUS_WINDOWS.map((_, index) => [...new Set(parts.flatMap((part) => part.keys[index] ?? []))].sort()),
    runs: DANGEROUS_WINDOWS.map((_, index) => parts.reduce((total, part) => total + (part.runs[index] ?? 0), 0)),
  };
}

/** Counts, over a search's runs, the points each window reached and faulted. */
export class CoverageTally {
  private readonly reached = DANGEROUS_WINDOWS.map(() => new Set<string>());
  private readonly hits = new WindowsCollector();
  private seesReached = false;

  /** `family`: the broker family searched, whose windows the result lists, in its words. */
  constructor(private readonly family: FamilyName) {}

  /** A decision point was reached (a plan-mode run's candidate, or a partition window a search could choose). */
  reach(fault: Fault, key = faultKey(fault)): void {
    this.seesReached = true;
    const index = windowIndex(fault);
    if (index >= 0) this.reached[index].add(key);
  }

  /** One run's injected faults. */
  run(injected: readonly Fault[]): void {
    this.hits.run(injected);
  }

  /** Runs counted elsewhere (a sweep's chunks or shards), as one. */
  absorb(windows: WindowsFaulted): void {
    this.hits.absorb(windows);
  }

  /**
   * Per window. When points were reached, `faulted` counts the reached points that were faulted (a sampling search
   * also faults points only a faulty run reaches, which "reached" cannot count); a window none of whose points
   * were reached (partition windows in a sampling search: they are timed, not reached) counts every point faulted.
   */
  result(): WindowCoverage[] {
    return DANGEROUS_WINDOWS.flatMap((window, index) => {
      if (window.families !== undefined && !window.families.includes(this.family)) return [];
      const reached = this.reached[index];
      const faulted = this.hits.keys[index];
      const seen = this.seesReached && reached.size > 0;
      return {
        id: window.id,
        words: wordsOf(window, this.family),
        reached: seen ? reached.size : this.seesReached && faulted.size === 0 ? 0 : null,
        faulted: seen ? [...faulted].filter((key) => reached.has(key)).length : faulted.size,
        runsFaulted: this.hits.runs[index],
      };
    });
  }
}

function windowIndex(fault: Fault): number {
  return DANGEROUS_WINDOWS.findIndex((window) => window.matches(fault));
}

/** A sweep's coverage: the fault-free run of its first seed reaches the points; its seeds' faults hit `windows`. */
export function sweepCoverage(config: SimulationConfig, firstSeed: number, windows: WindowsFaulted, reach = true): WindowCoverage[] {
  // A handler's points are not the built-in run's: without `reach` only the points faulted are counted.
  const tally = reach ? samplingTally({ ...config, seed: firstSeed }) : new CoverageTally(config.family);
  tally.absorb(windows);
  return tally.result();
}

/**
 * The largest workload whose fault-free run a sampling tally walks for the points it reaches. A run reaches about
 * eleven points a message, each remembered by its key (100,000 messages: 1.1 million keys, 300 MB), so a larger
 * one's points would outgrow the memory the run itself is budgeted. Above it, coverage counts the points faulted only.
 */
export const REACH_MESSAGES_MAX = 20_000;

/** True when a sampling tally of `config` counts the points reached (see REACH_MESSAGES_MAX). */
export function countsReached(config: SimulationConfig): boolean {
  return config.workload.messages <= REACH_MESSAGES_MAX;
}

/**
 * Coverage of a sampling search (sweep's seeds, check's generated plans): a tally that has reached the points of
 * each window the fault-free run reaches (what one fault could hit; faults open more); feed it each run's faults.
 * A workload over REACH_MESSAGES_MAX gives a tally that counts the points faulted only (`reached` null).
 */
export function samplingTally(config: SimulationConfig): CoverageTally {
  const tally = new CoverageTally(config.family);
  if (!countsReached(config)) return tally;
  // Only its decision points are read: nothing of its trace is kept or hashed.
  runSimulation(config, { plan: { version: 1, faults: [] } }, { candidate: (candidate) => tally.reach(candidate), trace: { keepMax: 0, hash: false } });
  return tally;
}
