import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startOtlpReceiver } from '../lib/otlp-endpoints.js';
import type { BenchFigure } from '../lib/report.js';
import { standardSync, startUnboundedSimulator } from '../lib/sync-setup.js';
import { runWorker, type WorkerRun } from '../lib/worker.js';

const REPOS = 100;
const LIMIT_MB = 256;
const FLAT_RATIO = 1.25;

/**
 * Peak memory of a sync through the engine, at 100,000 and at 1,000,000 records (100 repos ×
 * 1,000 and × 10,000 PRs, per_page 100, destination writes on, telemetry fully on and exported to
 * a local receiver). The simulator generates pages lazily, so the data set itself costs nothing:
 * what grows is the engine's. Peak RSS is the worker's `maxRSS`; a 1-repo × 10-PR run gives the
 * floor (runtime, SQLite, OpenTelemetry SDK, no data).
 *
 * The targeted runs use the Node flags the app image runs with (the Dockerfile's `NODE_OPTIONS`);
 * the same syncs with Node's default heap sizing, plus the old-generation growth limit every
 * Syncscope process sets itself (src/cli/heap-growth.ts), are reported beside them.
 *
 * Audit bodies are kept for errors only: with "all", 10,000 calls × 64 KiB would measure the
 * audit trail's volume (the body buffer is bounded by bytes anyway), not the engine's memory.
 */
export async function memory(): Promise<BenchFigure[]> {
  const imageFlags = imageNodeOptions();
  const receiver = await startOtlpReceiver();
  try {
    const floor = await sync(1, 10, receiver.url, imageFlags);
    const small = await sync(REPOS, 1_000, receiver.url, imageFlags);
    const large = await sync(REPOS, 10_000, receiver.url, imageFlags);
    const smallDefault = await sync(REPOS, 1_000, receiver.url, []);
    const largeDefault = await sync(REPOS, 10_000, receiver.url, []);
    const ratio = large.maxRssMb / small.maxRssMb;
    const flags = imageFlags.join(' ');
    return [
      { case: 'memory', metric: 'peak RSS, floor (1 repo × 10 PRs)', value: round(floor.maxRssMb), unit: 'MB', note: `start-up: Node, SQLite, OpenTelemetry SDK, winston, no data; ${flags}` },
      rssFigure('100k records', small, `${throughput(small)}; ${flags} (the app image's NODE_OPTIONS)`),
      rssFigure('1M records', large, `${throughput(large)}; ${flags}`),
      {
        case: 'memory',
        metric: 'peak RSS, 1M / 100k records',
        value: ratio,
        unit: '×',
        target: `≤ ${FLAT_RATIO}`,
        pass: ratio <= FLAT_RATIO,
        note: `above the floor: ${round(small.maxRssMb - floor.maxRssMb)} MB at 100k, ${round(large.maxRssMb - floor.maxRssMb)} MB at 1M`,
      },
      defaultFigure('100k records', smallDefault),
      defaultFigure('1M records', largeDefault),
    ];
  } finally {
    await receiver.stop();
  }
}

/** The Node flags of the app image: `ENV NODE_OPTIONS=...` in the Dockerfile. */
function imageNodeOptions(): string[] {
  const dockerfile = readFileSync(resolve(import.meta.dirname, '../../Dockerfile'), 'utf8');
  const value = /^ENV NODE_OPTIONS=(.+)$/m.exec(dockerfile)?.[1]?.replace(/^"|"$/g, '');
  if (!value) throw new Error('memory: the Dockerfile sets no NODE_OPTIONS');
  return value.split(/\s+/);
}

const throughput = (r: WorkerRun) => `${Math.round(r.records / (r.elapsedMs / 1000))} records/s in ${(r.elapsedMs / 1000).toFixed(1)} s`;

async function sync(repos: number, prsPerRepo: number, otlpUrl: string, nodeFlags: string[]): Promise<WorkerRun> {
  const sim = await startUnboundedSimulator(repos, prsPerRepo);
  try {
    const run = await runWorker(
      standardSync(sim, { auditBodies: 'errors' }),
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

/** The same sync with Node's default heap sizing: reported, not targeted (see `memory`). */
function defaultFigure(label: string, run: WorkerRun): BenchFigure {
  return {
    case: 'memory',
    metric: `peak RSS, ${label}, Node's default heap sizing`,
    value: round(run.maxRssMb),
    unit: 'MB',
    note: `no NODE_OPTIONS: V8 sizes the heap for this host; only the growth limit every Syncscope process sets itself (src/cli/heap-growth.ts) applies; ${throughput(run)}`,
  };
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
