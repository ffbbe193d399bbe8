import { describe, expect, it } from 'vitest';
import { PartitionReplica } from '../../../models/kafka/cluster/replica.js';
import { RandomStream } from '../../../sim/random.js';

/** What the epoch cache answered before its searches bisected: plain scans, the reference. */
function scanFrom(replica: PartitionReplica, offset: number): number {
  let first = 0;
  replica.epochs.forEach((entry, index) => {
    if (entry.startOffset <= offset) first = index;
  });
  return first;
}
function scanEnd(replica: PartitionReplica, epoch: number): number {
  for (const entry of replica.epochs) if (entry.epoch > epoch) return entry.startOffset;
  return replica.log.length;
}

describe('PartitionReplica epoch cache', () => {
  it('finds the epochs from an offset and the end of an epoch as a scan of the cache does, start offsets in order or not', () => {
    for (const seed of ['1', '2', '3']) {
      const stream = new RandomStream(seed, 'epochs');
      const replica = new PartitionReplica(0, ['b1', 'b2']);
      let epoch = 0;
      for (let step = 0; step < 200; step++) {
        epoch += stream.intBetween(1, 3);
        // Mostly at a growing log end; now and then lower (a follower copying a leader's older start).
        const startOffset = stream.intBetween(0, 9) === 0 ? stream.intBetween(0, step * 3) : step * 3 + stream.intBetween(0, 2);
        replica.startEpoch(epoch, startOffset);
        const offset = stream.intBetween(0, step * 3 + 5);
        expect(replica.epochsFrom(offset)).toEqual(replica.epochs.slice(scanFrom(replica, offset)));
        const asked = stream.intBetween(0, epoch + 2);
        expect(replica.endOffsetOf(asked)).toBe(scanEnd(replica, asked));
      }
    }
  });
});
