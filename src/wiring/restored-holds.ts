import type { RequestScheduler } from '../ports/request-scheduler.js';
import type { RunStore } from '../ports/run-store.js';
import { holdsInForce, type HoldInForce } from '../reports/holds-in-force.js';

export interface RestoreHoldsOptions {
  store: RunStore;
  syncId: string;
  /** The token this attempt's requests go out on (holds are per token, like the API's). */
  tokenId: string;
  scheduler: RequestScheduler;
  now: () => number;
}

/**
 * A resumed sync waits out the holds its earlier attempt was under when it stopped (a process
 * killed 0.5 s into a 2 s Retry-After must not send into the rest of it): each stored hold that
 * has not ended is put on the scheduler before the first request, which then waits as it would
 * have in the first process (and says so with the rate-wait event). Returns the holds put back,
 * for the run to announce once it has started.
 */
export async function restoreHolds(options: RestoreHoldsOptions): Promise<HoldInForce[]> {
  const holds = holdsInForce(await options.store.listRateLimits(options.syncId), options.now());
  for (const hold of holds) {
    options.scheduler.block({ tokenId: options.tokenId, resource: hold.resource }, hold.untilMs, hold.reason);
  }
  return holds;
}
