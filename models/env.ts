/** What a family's actors share besides their kernel context: the config, the fault injector and a way to crash. */
import type { ActorContext } from '../sim/world.js';
import type { SimulationConfig } from './config.js';
import type { TraceEvent } from './events.js';
import type { Fault } from './faults/catalog.js';
import type { FaultInjector } from './faults/injector.js';
import type { HandlerModule } from './handler/contract.js';
import type { Workload } from './workload.js';

export interface ModelEnv {
  config: SimulationConfig;
  faults: FaultInjector;
  /** Crash an actor now (it restarts after its restart delay, or at heal), tracing the fault that did it. */
  crash(actor: string, fault: Fault): void;
  /** Record an injected fault in the trace, in domain words. */
  traceFault(ctx: { readonly now: number }, fault: Fault): void;
  /** A user's handler, in place of the built-in processing and dedup (and the workload it reads values from). */
  handler?: { readonly module: HandlerModule; readonly workload: Workload };
}

/** The context shape every model actor records through (its messages and timers are its family's). */
export interface EventSink {
  readonly now: number;
  readonly self: string;
  record(record: TraceEvent): void;
}

export type { ActorContext };
