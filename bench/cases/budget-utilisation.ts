import { startGithubSimulator } from '../../src/simulator/github/index.js';
import type { BenchFigure } from '../lib/report.js';
import { runWorker } from '../lib/worker.js';

const BUDGET = 300;
const WINDOW_SECONDS = 5;

/**
 * How much of a rate-limit budget the scheduler turns into work. A sync that needs R requests
 * against B per window can make its last request no sooner than floor((R - 1) / B) window
 * boundaries after it starts; utilisation = that ideal time / the time it took, i.e. achieved
 * throughput over the budget-bound throughput. Target ≥ 0.95 with 0 rejections.
 */
export async function budgetUtilisation(): Promise<BenchFigure[]> {
  const sim = await startGithubSimulator({
    repos: 20,
    prsPerRepo: 900,
    latencyMs: 5,
    rateLimit: { limit: BUDGET, windowSeconds: WINDOW_SECONDS },
    // The budget is scaled down 60×; scale GitHub's secondary limits with it so they do not bind first.
    secondary: { maxConcurrent: 100, pointsPerMinutePerEndpoint: 1_000_000 },
  });
  try {
    const windowMs = WINDOW_SECONDS * 1000;
    const startAt = Math.ceil((Date.now() + 3000) / windowMs) * windowMs + 5;
    const result = await runWorker({
      baseUrl: sim.url,
      org: sim.org,
      perPage: 10,
      batchSize: 10,
      partitionConcurrency: 8,
      maxConcurrentRequests: 8,
      execute: true,
      auditBodies: 'errors',
      maxPerEndpointPerMinute: 1_000_000,
      startAt,
    });
    const stats = sim.stats();
    const requests = stats.requests;
    // The first window's budget is there at the start; each later boundary adds one more. If the
    // worker started late (a loaded machine), it started mid-window: count from where it began.
    const windowsNeeded = Math.floor((requests - 1) / BUDGET);
    const firstBoundaryAfterStart = (Math.floor(result.startedAtMs / windowMs) + 1) * windowMs;
    const idealSeconds = windowsNeeded === 0 ? 0 : (firstBoundaryAfterStart + (windowsNeeded - 1) * windowMs - result.startedAtMs) / 1000;
    const utilisation = idealSeconds / (result.elapsedMs / 1000);
    return [
      {
        case: 'budget',
        metric: `utilisation (${requests} requests, ${BUDGET}/${WINDOW_SECONDS}s budget)`,
        value: utilisation,
        unit: '',
        target: '≥ 0.95',
        pass: utilisation >= 0.95,
        note: `ideal ${idealSeconds.toFixed(2)}s from its start ${result.startedAtMs - startAt} ms after the planned window boundary, took ${(result.elapsedMs / 1000).toFixed(2)}s`,
      },
      { case: 'budget', metric: 'primary-limit rejections (simulator)', value: stats.rateLimitRejections, unit: '', target: '= 0', pass: stats.rateLimitRejections === 0 },
      { case: 'budget', metric: 'throughput', value: result.records / (result.elapsedMs / 1000), unit: 'records/s' },
    ];
  } finally {
    await sim.close();
  }
}
