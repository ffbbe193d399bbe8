/**
 * Whether a plan fits a world: every fault names a kind this family has, an instance this world has, and a broker
 * cluster or a transactional producer when it needs one; a plan that does not fit is refused (PlanError naming the
 * fault). A fault naming a message or a partition this workload lacks is not refused: a plan found in a larger
 * world replays on a smaller one (shrinking does), and the run lists such faults as never matched.
 */
import type { SimulationConfig } from './config.js';
import type { FaultPlan } from './faults/catalog.js';
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
