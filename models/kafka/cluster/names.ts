/** The actor ids of a Kafka broker cluster (--nodes N): brokers B1..Bn and the controller. */

/** The controller (KRaft's quorum, one actor), which also hosts the group coordinator and the dead-letter topic. */
export const CONTROLLER = 'CTL';

/** B1..Bn. */
export function brokerIds(nodes: number): string[] {
  return Array.from({ length: nodes }, (_unused, index) => `B${index + 1}`);
}

/** True for a cluster's broker or controller id. */
export function isClusterActor(actor: string): boolean {
  return actor === CONTROLLER || /^B\d+$/.test(actor);
}

/**
 * Kafka's rack-unaware replica assignment, without its random start: replica i of partition p on broker (p + i) mod N.
 * The first is the preferred leader.
 */
export function replicasOf(partition: number, replicationFactor: number, nodes: number): string[] {
  return Array.from({ length: replicationFactor }, (_unused, replica) => `B${((partition + replica) % nodes) + 1}`);
}
