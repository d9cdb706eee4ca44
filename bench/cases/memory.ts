import { startGithubSimulator } from '../../src/simulator/github/index.js';
import { startOtlpReceiver } from '../lib/otlp-endpoints.js';
import type { BenchFigure } from '../lib/report.js';
import { runWorker, type WorkerRun } from '../lib/worker.js';

const REPOS = 100;
const LIMIT_MB = 256;
const FLAT_RATIO = 1.25;
/** A V8 old-space cap for one diagnostic run: shows the live memory under the GC's headroom. */
const HEAP_CAP_MB = 96;

/**
 * Peak memory of a sync through the engine, at 100,000 and at 1,000,000 records (100 repos ×
 * 1,000 and × 10,000 PRs, per_page 100, destination writes on, telemetry fully on and exported to
 * a local receiver). The simulator generates pages lazily, so the data set itself costs nothing:
 * what grows is the engine's. Peak RSS is the worker's `maxRSS`; a 1-repo × 10-PR run gives the
 * floor (runtime, SQLite, OpenTelemetry SDK, no data).
 *
 * Audit bodies are kept for errors only: with "all", 10,000 calls × 64 KiB would measure the
 * audit trail's volume (the body buffer is bounded by bytes anyway), not the engine's memory.
 */
export async function memory(): Promise<BenchFigure[]> {
  const receiver = await startOtlpReceiver();
  try {
    const floor = await sync(1, 10, receiver.url);
    const small = await sync(REPOS, 1_000, receiver.url);
    const large = await sync(REPOS, 10_000, receiver.url);
    const capped = await sync(REPOS, 1_000, receiver.url, [`--max-old-space-size=${HEAP_CAP_MB}`]);
    const ratio = large.maxRssMb / small.maxRssMb;
    const throughput = (r: WorkerRun) => `${Math.round(r.records / (r.elapsedMs / 1000))} records/s in ${(r.elapsedMs / 1000).toFixed(1)} s`;
    return [
      { case: 'memory', metric: 'peak RSS, floor (1 repo × 10 PRs)', value: round(floor.maxRssMb), unit: 'MB', note: 'start-up: Node, SQLite, OpenTelemetry SDK, winston, no data' },
      rssFigure('100k records', small, throughput(small)),
      rssFigure('1M records', large, throughput(large)),
      {
        case: 'memory',
        metric: 'peak RSS, 1M / 100k records',
        value: ratio,
        unit: '×',
        target: `≤ ${FLAT_RATIO}`,
        pass: ratio <= FLAT_RATIO,
        note: `above the floor: ${round(small.maxRssMb - floor.maxRssMb)} MB at 100k, ${round(large.maxRssMb - floor.maxRssMb)} MB at 1M`,
      },
      {
        case: 'memory',
        metric: `peak RSS, 100k records, heap capped (--max-old-space-size=${HEAP_CAP_MB})`,
        value: round(capped.maxRssMb),
        unit: 'MB',
        note:
          `what the engine holds when V8 may not let garbage pile up: ${throughput(capped)}, CPU ×${(capped.cpuMs / small.cpuMs).toFixed(2)} vs uncapped; ` +
          'uncapped, V8 sizes the heap for a 24 GB machine and lets garbage build up between full collections',
      },
    ];
  } finally {
    await receiver.stop();
  }
}

async function sync(repos: number, prsPerRepo: number, otlpUrl: string, nodeFlags: string[] = []): Promise<WorkerRun> {
  const sim = await startGithubSimulator({
    repos,
    prsPerRepo,
    latencyMs: 0,
    rateLimit: { limit: 10_000_000, windowSeconds: 3600 },
    secondary: { maxConcurrent: 1000, pointsPerMinutePerEndpoint: 10_000_000 },
  });
  try {
    const run = await runWorker(
      {
        baseUrl: sim.url,
        org: sim.org,
        perPage: 100,
        batchSize: 100,
        partitionConcurrency: 4,
        maxConcurrentRequests: 8,
        execute: true,
        auditBodies: 'errors',
        maxPerEndpointPerMinute: 10_000_000,
      },
      { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, SYNCSCOPE_LOG_LEVEL: 'info' },
      nodeFlags,
    );
    if (run.status !== 'succeeded' || run.records !== repos * prsPerRepo) {
      throw new Error(`memory: ${repos}×${prsPerRepo} ended ${run.status} with ${run.records} records`);
    }
    return run;
  } finally {
    await sim.close();
  }
}

function rssFigure(label: string, run: WorkerRun, note: string): BenchFigure {
  return {
    case: 'memory',
    metric: `peak RSS, ${label}`,
    value: round(run.maxRssMb),
    unit: 'MB',
    target: `≤ ${LIMIT_MB} MB`,
    pass: run.maxRssMb <= LIMIT_MB,
    note,
  };
}

const round = (mb: number) => Math.round(mb);
