/**
 * Every effective setting of a run as table rows, grouped by component, each with the name the real systems
 * use for it (so a reviewer who knows Kafka reads `max.in.flight.requests.per.connection`, not our field), and
 * a note where the run overrides its mode's preset — the usual reason a promised invariant was VIOLATED.
 */
import type { SimulationConfig } from '../models/config.js';
import { modePreset } from '../models/families.js';

interface SettingRow {
  component: string;
  setting: string;
  realName: string;
  value: string;
  note: string;
}

/** [field, real-system name] per component, in the order a reader expects them. */
type Group = 'settings' | 'workload' | 'timing' | 'limits';

const KNOWN: readonly [group: Group, component: string, fields: readonly (readonly [string, string])[]][] = [
  ['settings', 'producer', [
    ['acks', 'acks'],
    ['retries', 'retries'],
    ['retryBackoffMs', 'retry.backoff.ms'],
    ['retryBackoffMaxMs', 'retry.backoff.max.ms'],
    ['requestTimeoutMs', 'request.timeout.ms'],
    ['enableIdempotence', 'enable.idempotence'],
    ['maxInFlight', 'max.in.flight.requests.per.connection'],
    ['producerBuffer', 'in-memory buffer or transactional outbox'],
  ]],
  ['settings', 'broker', [
    ['replicationFactor', 'replication.factor'],
    ['minInsyncReplicas', 'min.insync.replicas'],
    ['replicationDelayMs', 'time for a follower to copy a record'],
    ['leaderElectionMs', 'time a partition has no leader after a failure'],
  ]],
  ['settings', 'consumer', [
    ['commit', 'offset commit strategy (enable.auto.commit, commit before/after processing, offsets in the DB)'],
    ['autoCommitIntervalMs', 'auto.commit.interval.ms'],
    ['processingMs', 'business logic time per record'],
    ['maxPollRecords', 'max.poll.records'],
    ['pollIntervalMs', 'pause after an empty poll'],
    ['consumerTimeoutMs', 'wait for a broker or DB reply'],
    ['dbRetries', 'DB write retries'],
    ['dedup', 'idempotent consumer: dedup key and its transaction'],
  ]],
  ['workload', 'workload', [
    ['messages', 'messages handed to the producer'],
    ['keys', 'distinct keys (order is checked per key)'],
    ['partitions', 'topic partitions'],
    ['produceIntervalMs', 'time between two hand-overs'],
  ]],
  ['timing', 'timing', [
    ['faultyPhaseMs', 'faults are injected before this time, then the system heals'],
    ['latencyMsMin', 'one-way network latency, minimum'],
    ['latencyMsMax', 'one-way network latency, maximum'],
    ['restartDelayMs', 'a crashed producer or consumer restarts after'],
    ['brokerRestartDelayMs', 'a failed broker replica restarts after'],
  ]],
  ['limits', 'limits', [
    ['maxEvents', 'stop after this many kernel events'],
    ['maxVirtualTimeMs', 'stop after this much virtual time'],
  ]],
];

export function settingValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function settingRows(config: SimulationConfig): SettingRow[] {
  const preset = modePreset(config).settings as unknown as Record<string, unknown>;
  const rows: SettingRow[] = [];
  const push = (group: Group, component: string, field: string, realName: string): void => {
    const values = config[group] as unknown as Record<string, unknown>;
    if (!(field in values)) return;
    const value = values[field];
    const overridden = group === 'settings' && field in preset && preset[field] !== value;
    rows.push({ component, setting: field, realName, value: settingValue(value), note: overridden ? `overrides the ${config.mode} preset (${settingValue(preset[field])})` : '' });
  };
  for (const [group, component, fields] of KNOWN) for (const [field, realName] of fields) push(group, component, field, realName);
  // Fields added to the config later still show up, after the known ones, in name order.
  for (const group of ['settings', 'workload', 'timing', 'limits'] as const) {
    const known = new Set(KNOWN.filter(([candidate]) => candidate === group).flatMap(([, , fields]) => fields.map(([field]) => field)));
    for (const field of Object.keys(config[group]).sort()) if (!known.has(field)) push(group, group, field, '');
  }
  return rows;
}

/** Settings whose values differ between runs (for the compare report), as [setting, value per run]. */
export function differingSettings(configs: readonly SimulationConfig[]): [string, string[]][] {
  const rows: [string, string[]][] = [];
  if (configs.length === 0) return rows;
  const perRun = configs.map((config) => settingRows(config));
  perRun[0].forEach((row, index) => {
    const values = perRun.map((run) => run[index]?.value ?? '');
    if (values.some((value) => value !== values[0])) rows.push([row.setting, values]);
  });
  return rows;
}
