import type { GithubSimulator } from '../../src/simulator/github/index.js';
import { standardSync } from './sync-setup.js';
import { runPeer, runWorker } from './worker.js';

/** One sync's cost, as both sides report it. */
export interface SideRun {
  records: number;
  elapsedMs: number;
  cpuMs: number;
  maxRssMb: number;
  /** Epoch ms the sync began (after any wait for a window boundary). */
  startedAtMs: number;
  /** Requests the simulator counted and primary-limit rejections it served during the run. */
  requests: number;
  rejections: number;
  /** Bytes on disk after the sync: Syncscope's run store and destination; the peer's database. */
  storeBytes: number;
  destinationBytes: number;
}

export interface PairOptions {
  includeReviews: boolean;
  /** Epoch ms to start each side at (a window boundary), computed just before its spawn. */
  startAt?: () => number;
  /** Syncscope's engine pacing cap per endpoint; unset = unbounded (the simulator's limits are lifted). */
  unbounded: boolean;
}

/**
 * Syncscope (the bench's sync worker at the product's defaults: audit bodies "errors+sample", telemetry on
 * without a backend, per_page and batch 100, 4 repositories at once, 8 calls in flight) on `sim`.
 */
export async function runSyncscope(sim: GithubSimulator, options: PairOptions): Promise<SideRun> {
  const before = sim.stats();
  const run = await runWorker(
    standardSync(sim, { auditBodies: 'errors+sample', includeReviews: options.includeReviews, ...(options.startAt ? { startAt: options.startAt() } : {}) }, { unbounded: options.unbounded }),
    { SYNCSCOPE_LOG_LEVEL: 'info' },
  );
  if (run.status !== 'succeeded') throw new Error(`peer: Syncscope ended ${run.status}`);
  const after = sim.stats();
  return {
    records: run.records, elapsedMs: run.elapsedMs, cpuMs: run.cpuMs, maxRssMb: run.maxRssMb, startedAtMs: run.startedAtMs,
    requests: after.requests - before.requests, rejections: after.rateLimitRejections - before.rateLimitRejections,
    storeBytes: run.storeBytes, destinationBytes: run.destinationBytes,
  };
}

/** The octokit peer (bench/peer-worker.ts) on `sim`, with the same concurrency and page size. */
export async function runPeerSide(sim: GithubSimulator, options: PairOptions): Promise<SideRun> {
  const before = sim.stats();
  const run = await runPeer({
    baseUrl: sim.url, org: sim.org, perPage: 100, concurrency: 4, includeReviews: options.includeReviews,
    ...(options.startAt ? { startAt: options.startAt() } : {}),
  });
  const after = sim.stats();
  return {
    records: run.records, elapsedMs: run.elapsedMs, cpuMs: run.cpuMs, maxRssMb: run.maxRssMb, startedAtMs: run.startedAtMs,
    requests: after.requests - before.requests, rejections: after.rateLimitRejections - before.rateLimitRejections,
    storeBytes: 0, destinationBytes: run.dbBytes,
  };
}

export const recordsPerSecond = (r: SideRun) => r.records / (r.elapsedMs / 1000);
export const cpuPerThousand = (r: SideRun) => (r.cpuMs / r.records) * 1000;
