/**
 * Every overridable setting as a CLI flag: one table drives option registration, parsing, validation
 * messages, `simulate list`, and the replay command, so they cannot drift apart.
 */
import { COMMIT_STRATEGIES, DEDUP_STRATEGIES, PRODUCER_BUFFERS } from '../models/config.js';
import type { DeliverySettings, Limits, TimingSettings, WorkloadSettings } from '../models/config.js';
import { UsageError } from './usage-error.js';

type Group = 'settings' | 'workload' | 'timing' | 'limits';
type Kind = { type: 'int'; min: number; max: number } | { type: 'number'; min: number; max: number } | { type: 'bool' } | { type: 'enum'; values: readonly string[] } | { type: 'acks' };

export interface SettingFlag {
  flag: string;
  group: Group;
  key: keyof DeliverySettings | keyof WorkloadSettings | keyof TimingSettings | keyof Limits;
  kind: Kind;
  description: string;
}

const int = (min: number, max: number): Kind => ({ type: 'int', min, max });
const num = (min: number, max: number): Kind => ({ type: 'number', min, max });

export const SETTING_FLAGS: readonly SettingFlag[] = [
  { flag: 'messages', group: 'workload', key: 'messages', kind: int(1, 100_000), description: 'messages the producer application hands over (default 40)' },
  { flag: 'keys', group: 'workload', key: 'keys', kind: int(1, 10_000), description: 'distinct message keys; per-key order is checked (default 4)' },
  { flag: 'partitions', group: 'workload', key: 'partitions', kind: int(1, 64), description: 'topic partitions (default 2)' },
  { flag: 'produce-interval-ms', group: 'workload', key: 'produceIntervalMs', kind: num(0, 60_000), description: 'virtual ms between two hand-overs (default 2)' },
  { flag: 'acks', group: 'settings', key: 'acks', kind: { type: 'acks' }, description: 'producer acks: 0, 1 or all' },
  { flag: 'retries', group: 'settings', key: 'retries', kind: int(0, 1000), description: 'producer retries per message' },
  { flag: 'retry-backoff-ms', group: 'settings', key: 'retryBackoffMs', kind: num(0, 60_000), description: 'first retry backoff, doubled per retry' },
  { flag: 'retry-backoff-max-ms', group: 'settings', key: 'retryBackoffMaxMs', kind: num(0, 60_000), description: 'retry backoff cap' },
  { flag: 'request-timeout-ms', group: 'settings', key: 'requestTimeoutMs', kind: num(0.1, 60_000), description: 'producer request timeout' },
  { flag: 'idempotence', group: 'settings', key: 'enableIdempotence', kind: { type: 'bool' }, description: 'enable.idempotence: true or false (needs acks=all, max-in-flight <= 5)' },
  { flag: 'max-in-flight', group: 'settings', key: 'maxInFlight', kind: int(1, 100), description: 'max.in.flight.requests per partition (> 1 with retries can reorder)' },
  { flag: 'producer-buffer', group: 'settings', key: 'producerBuffer', kind: { type: 'enum', values: PRODUCER_BUFFERS }, description: 'memory (lost on producer crash) or outbox (durable, re-sent on restart)' },
  { flag: 'replication-factor', group: 'settings', key: 'replicationFactor', kind: int(1, 7), description: 'replicas per partition' },
  { flag: 'min-insync-replicas', group: 'settings', key: 'minInsyncReplicas', kind: int(1, 7), description: 'min.insync.replicas for acks=all' },
  { flag: 'replication-delay-ms', group: 'settings', key: 'replicationDelayMs', kind: num(0, 60_000), description: 'time for a follower to copy a record' },
  { flag: 'leader-election-ms', group: 'settings', key: 'leaderElectionMs', kind: num(0, 60_000), description: 'time a partition is offline after its leader fails' },
  { flag: 'commit', group: 'settings', key: 'commit', kind: { type: 'enum', values: COMMIT_STRATEGIES }, description: 'consumer offset commit strategy' },
  { flag: 'auto-commit-interval-ms', group: 'settings', key: 'autoCommitIntervalMs', kind: num(0.1, 60_000), description: 'auto.commit.interval.ms (with --commit auto)' },
  { flag: 'processing-ms', group: 'settings', key: 'processingMs', kind: num(0, 60_000), description: 'consumer business logic time per record' },
  { flag: 'max-poll-records', group: 'settings', key: 'maxPollRecords', kind: int(1, 10_000), description: 'max.poll.records' },
  { flag: 'poll-interval-ms', group: 'settings', key: 'pollIntervalMs', kind: num(0.1, 60_000), description: 'pause after an empty fetch' },
  { flag: 'consumer-timeout-ms', group: 'settings', key: 'consumerTimeoutMs', kind: num(0.1, 60_000), description: 'consumer wait for a broker or DB reply' },
  { flag: 'db-retries', group: 'settings', key: 'dbRetries', kind: int(0, 1000), description: 'consumer retries of a DB write whose reply did not come' },
  { flag: 'dedup', group: 'settings', key: 'dedup', kind: { type: 'enum', values: DEDUP_STRATEGIES }, description: 'idempotent consumer: none, same-transaction, separate-transaction' },
  { flag: 'faulty-phase-ms', group: 'timing', key: 'faultyPhaseMs', kind: num(0, 3_600_000), description: 'faults stop and the heal phase starts at this virtual time (default: workload duration + 50)' },
  { flag: 'restart-delay-ms', group: 'timing', key: 'restartDelayMs', kind: num(0, 3_600_000), description: 'how long a crashed producer/consumer stays down' },
  { flag: 'max-events', group: 'limits', key: 'maxEvents', kind: int(1, 1_000_000_000), description: 'stop (and report it) after this many events (default 2000000)' },
  { flag: 'max-virtual-time-ms', group: 'limits', key: 'maxVirtualTimeMs', kind: num(1, 86_400_000), description: 'stop (and report it) past this virtual time (default 120000)' },
];

const byKey = new Map(SETTING_FLAGS.map((flag) => [flag.key as string, flag]));

/** The CLI flag for a config key (for error messages that come from config validation). */
export function flagForKey(key: string): string {
  const found = byKey.get(key);
  return found === undefined ? key : `--${found.flag}`;
}

export function kindHint(kind: Kind): string {
  switch (kind.type) {
    case 'int':
      return `an integer from ${kind.min} to ${kind.max}`;
    case 'number':
      return `a number from ${kind.min} to ${kind.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return kind.values.join(', ');
    case 'acks':
      return '0, 1, all';
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

export function parseInteger(label: string, raw: string, min: number, max: number): number {
  const value = INTEGER.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`invalid ${label} ${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
  return value;
}

export function parseDecimal(label: string, raw: string, min: number, max: number): number {
  const value = DECIMAL.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`invalid ${label} ${JSON.stringify(raw)}: expected a number from ${min} to ${max}`);
  return value;
}

export function parseSettingValue(flag: SettingFlag, raw: string): unknown {
  const label = `--${flag.flag}`;
  const kind = flag.kind;
  switch (kind.type) {
    case 'int':
      return parseInteger(label, raw, kind.min, kind.max);
    case 'number':
      return parseDecimal(label, raw, kind.min, kind.max);
    case 'bool':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new UsageError(`invalid ${label} ${JSON.stringify(raw)}: expected true or false`);
    case 'enum':
      if (kind.values.includes(raw)) return raw;
      throw new UsageError(`invalid ${label} ${JSON.stringify(raw)}: expected one of ${kind.values.join(', ')}`);
    case 'acks':
      if (raw === '0' || raw === '1') return Number(raw);
      if (raw === 'all' || raw === '-1') return 'all';
      throw new UsageError(`invalid ${label} ${JSON.stringify(raw)}: expected 0, 1 or all`);
  }
}

/** Commander stores `--max-in-flight` as `maxInFlight`. */
export function optionProperty(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
