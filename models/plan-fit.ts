/**
 * Whether a plan fits a world: every fault names a kind this family has, an instance this world has, and a broker
 * cluster or a transactional producer when it needs one; a plan that does not fit is refused (PlanError naming the
 * fault). A fault naming a message or a partition this workload lacks is not refused: a plan found in a larger
 * world replays on a smaller one (shrinking does), and the run lists such faults as never matched.
 */
import type { SimulationConfig } from './config.js';
import type { Fault, FaultPlan } from './faults/catalog.js';
import { checkPlanInstances, checkPlanKinds } from './faults/plan.js';
import { FAMILIES } from './families.js';
import { buildTopology } from './topology.js';
import type { Topology } from './topology.js';

export function checkPlanFits(plan: FaultPlan, config: SimulationConfig, topology: Topology = buildTopology(config.topology)): void {
  const family = FAMILIES[config.family];
  checkPlanInstances(plan, topology);
  checkPlanKinds(plan, family);
  family.checkPlan?.(plan, config.settings);
}

/**
 * Why a plan fault can never match in this world, when the world alone says so: it names a message past the
 * workload's last or a partition the topic lacks. Undefined when the run decides (it may not reach the point).
 */
export function outsideWorld(fault: Fault, config: SimulationConfig): string | undefined {
  const { messages, partitions } = config.workload;
  if ('message' in fault && Number(fault.message.slice(1)) > messages) return `the workload hands over m1..m${messages} only`;
  if ('partition' in fault && FAMILIES[config.family].words.partitioned && fault.partition >= partitions) return `the topic has partitions 0..${partitions - 1} only`;
  return undefined;
}
