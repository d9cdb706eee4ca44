import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import type { WorkerArgs } from '../sync-worker.js';

/** Requests per minute per endpoint that never bind: for syncs whose cost, not the API's limits, is measured. */
const UNBOUNDED_PER_MINUTE = 10_000_000;

/**
 * A zero-latency simulator whose primary and secondary limits never bind: what a sync costs the
 * engine, not what the API lets it do.
 */
export function startUnboundedSimulator(repos: number, prsPerRepo: number): Promise<GithubSimulator> {
  return startGithubSimulator({
    repos,
    prsPerRepo,
    latencyMs: 0,
    rateLimit: { limit: UNBOUNDED_PER_MINUTE, windowSeconds: 3600 },
    secondary: { maxConcurrent: 1000, pointsPerMinutePerEndpoint: UNBOUNDED_PER_MINUTE },
  });
}

/**
 * The sync most cases run: the simulator's whole organisation, 100 PRs a page and a batch, 4
 * partitions at a time, 8 calls in flight, destination writes on. With `unbounded`, the engine's
 * own per-endpoint cap is lifted too, to match `startUnboundedSimulator`.
 */
export function standardSync(
  sim: GithubSimulator,
  overrides: Partial<Omit<WorkerArgs, 'dir'>> & Pick<WorkerArgs, 'auditBodies'>,
  options: { unbounded: boolean } = { unbounded: true },
): Omit<WorkerArgs, 'dir'> {
  return {
    baseUrl: sim.url,
    org: sim.org,
    perPage: 100,
    batchSize: 100,
    partitionConcurrency: 4,
    maxConcurrentRequests: 8,
    execute: true,
    ...(options.unbounded ? { maxPerEndpointPerMinute: UNBOUNDED_PER_MINUTE } : {}),
    ...overrides,
  };
}
