/** The producer application's messages: ids, keys (drawn from the `workload` stream) and partitions. */
import type { RandomStreams } from '../sim/random.js';
import type { WorkloadSettings } from './settings/common.js';

export interface WorkloadMessage {
  /** m1, m2, ... in hand-over order. */
  id: string;
  index: number;
  key: string;
  partition: number;
  /** Position of this message among its key's messages (0-based): the order the DB must apply them in. */
  keySeq: number;
  /** Virtual time (µs) at which the application hands it to the producer. */
  handoverUs: number;
}

export function generateWorkload(workload: WorkloadSettings, streams: RandomStreams): WorkloadMessage[] {
  const rng = streams.stream('workload');
  const perKey = new Array<number>(workload.keys).fill(0);
  const messages: WorkloadMessage[] = [];
  // One key string per key, shared by its messages (equal strings either way; this saves one per message).
  const keyNames: string[] = [];
  for (let index = 0; index < workload.messages; index++) {
    const keyIndex = rng.intBetween(0, workload.keys - 1);
    messages.push({
      id: `m${index + 1}`,
      index,
      key: (keyNames[keyIndex] ??= `k${keyIndex}`),
      // Keys map to partitions like Kafka's default partitioner: a stable function of the key.
      partition: keyIndex % workload.partitions,
      keySeq: perKey[keyIndex]++,
      handoverUs: Math.round(index * workload.produceIntervalMs * 1000),
    });
  }
  return messages;
}
