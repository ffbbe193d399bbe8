/** What the delivery actors share besides their kernel context: the fault injector and a way to crash. */
import type { ActorContext } from '../sim/world.js';
import type { Fault } from './faults.js';
import type { FaultInjector } from './faults.js';
import type { Message } from './messages.js';
import type { SimulationConfig } from './config.js';

export type Ctx = ActorContext<Message>;

export interface ModelEnv {
  config: SimulationConfig;
  faults: FaultInjector;
  /** Crash an actor now (it restarts after its restart delay, or at heal). */
  crash(actor: string, fault: Fault): void;
  /** Record an injected fault in the trace, in domain words. */
  traceFault(ctx: Ctx, fault: Fault): void;
}
