/**
 * A run's world in the words of its family: the workload and topology lines of the text output, the report's
 * header and compare's header, and where a parked record went. One place, so the three outputs agree.
 */
import type { SimulationConfig } from '../models/config.js';
import { familyOf } from '../models/families.js';
import { plural } from './format.js';

/** "40 messages, 4 keys, 2 partitions, one every 2 ms" (no partitions for a family without them). */
export function workloadWords(config: SimulationConfig): string {
  const w = config.workload;
  const partitions = familyOf(config).words.partitioned ? `, ${plural(w.partitions, 'partition')}` : '';
  return `${plural(w.messages, 'message')}, ${plural(w.keys, 'key')}${partitions}, one every ${w.produceIntervalMs} ms`;
}

/** "1 producer; 1 consumer group of 1 member" (Kafka), "1 producer; 1 queue with 2 competing consumers" (RabbitMQ). */
export function topologyWords(config: SimulationConfig): string {
  const { producers, groups, consumers } = config.topology;
  return `${plural(producers, 'producer')}; ${familyOf(config).words.groups(groups, consumers, config.settings)}`;
}

/** Where the failure policy parks a record it gives up. */
export function deadLetterWords(config: SimulationConfig): string {
  return familyOf(config).words.deadLetter;
}
