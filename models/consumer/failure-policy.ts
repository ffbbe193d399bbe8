/**
 * What happens to a record whose processing failed (its business logic threw, or a handler asked for a retry),
 * as Spring Kafka's error handling does it: redelivered after an exponential backoff (with optional jitter) until
 * `processingRetries` redeliveries are used up, then skipped or dead-lettered (`onError`); with `onError: retry`
 * it is never given up. Shared by the built-in processing and users' handlers.
 */
import type { ActorContext } from '../../sim/world.js';
import type { TraceEvent } from '../events.js';
import type { ApplicationSettings } from '../settings/common.js';
import type { Disposition } from './application.js';

type Ctx = Pick<ActorContext<{ message: never; timer: never; event: TraceEvent }>, 'now' | 'rng' | 'record'>;

/** Traces the failure and what the policy decided; returns the decision (a skip is traced as skipped). */
export function afterFailure(ctx: Ctx, actor: string, settings: ApplicationSettings, msg: string, delivery: number): Disposition {
  ctx.record({ t: ctx.now, actor, kind: 'processing-failed', msg, delivery });
  const retries = settings.processingRetries;
  if (settings.onError === 'retry' || retries === 'unlimited' || delivery <= retries) {
    const backoff = backoffMs(ctx, settings, delivery);
    ctx.record({ t: ctx.now, actor, kind: 'processing-retry', msg, delivery, backoffMs: backoff });
    return { kind: 'retry', backoffMs: backoff };
  }
  if (settings.onError === 'skip') {
    ctx.record({ t: ctx.now, actor, kind: 'skipped', msg, delivery });
    return { kind: 'skip' };
  }
  return { kind: 'dead-letter' };
}

/** Exponential: the n-th redelivery waits backoff * 2^(n-1), capped, less a random share when jitter is set. */
function backoffMs(ctx: Ctx, settings: ApplicationSettings, delivery: number): number {
  const exponential = Math.min(settings.processingBackoffMs * 2 ** Math.min(delivery - 1, 52), settings.processingBackoffMaxMs);
  if (settings.processingBackoffJitter === 0) return exponential;
  // Whole microseconds, so the wait is exact in virtual time and in the trace.
  const share = ctx.rng.intBetween(0, 1_000_000) / 1_000_000;
  return Math.round(exponential * (1 - settings.processingBackoffJitter * share) * 1000) / 1000;
}
