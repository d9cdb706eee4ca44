import { refusedEndpoint, startBlackHole, startOtlpReceiver, type OtlpEndpoint } from '../lib/otlp-endpoints.js';
import type { BenchFigure } from '../lib/report.js';
import { list, median } from '../lib/stats.js';
import { standardSync, startUnboundedSimulator } from '../lib/sync-setup.js';
import { runWorker, type WorkerRun } from '../lib/worker.js';

const REPOS = 20;
const PRS_PER_REPO = 2000;
/** 20 records per batch: ~11 spans per API call, ~4,400 per run, more than the 4,096-span export queue. */
const BATCH_SIZE = 20;
const ROUNDS = 5;
const SHUTDOWN_BUDGET_MS = 3000;
const LIMIT_MB = 256;
/** The 3 s shutdown budget, then closing the store and the 500 ms exit grace (`exitWhenDone`). */
const EXIT_BUDGET_MS = 3600;

type Backend = 'healthy' | 'refused' | 'black hole';

/**
 * Syncing through a telemetry outage: the same sync with its OTLP endpoint (spans and logs)
 * (a) healthy: a working local receiver, (b) refused: a port nobody listens on, (c) a black hole:
 * a server that accepts connections and never answers (its sockets are held, then destroyed at
 * the end). Interleaved rounds; the sync must succeed as fast as with a healthy backend, memory
 * must stay bounded, failed exports must be counted, and the worker must exit 0 with an empty
 * stderr. The worker calls `runtime.shutdown(3000)`: its time, and how long the process then
 * lingers before exiting, are reported apart from the sync time the throughput ratio uses.
 */
export async function telemetryOutage(): Promise<BenchFigure[]> {
  const sim = await startUnboundedSimulator(REPOS, PRS_PER_REPO);
  const backends: Record<Backend, () => Promise<OtlpEndpoint>> = {
    healthy: startOtlpReceiver,
    refused: refusedEndpoint,
    'black hole': startBlackHole,
  };
  const runs: Record<Backend, WorkerRun[]> = { healthy: [], refused: [], 'black hole': [] };
  const seen: Record<Backend, { spans: number; connections: number }> = {
    healthy: { spans: 0, connections: 0 },
    refused: { spans: 0, connections: 0 },
    'black hole': { spans: 0, connections: 0 },
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const backend of Object.keys(backends) as Backend[]) {
        const endpoint = await backends[backend]();
        try {
          runs[backend].push(
            await runWorker(standardSync(sim, { batchSize: BATCH_SIZE, auditBodies: 'errors' }), {
              OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.url,
              SYNCSCOPE_LOG_LEVEL: 'info',
            }),
          );
        } finally {
          const stats = endpoint.stats();
          seen[backend].spans += stats.spans;
          seen[backend].connections += stats.connections;
          await endpoint.stop();
        }
      }
    }
  } finally {
    await sim.close();
  }
  return figures(runs, seen);
}

function figures(runs: Record<Backend, WorkerRun[]>, seen: Record<Backend, { spans: number; connections: number }>): BenchFigure[] {
  const records = REPOS * PRS_PER_REPO;
  const out: BenchFigure[] = [];
  for (const backend of ['refused', 'black hole'] as const) {
    // Per round (healthy and outage ran back to back), then the median: drift between rounds cancels.
    const ratio = median(runs[backend].map((r, i) => runs.healthy[i]!.elapsedMs / r.elapsedMs));
    out.push({
      case: 'outage',
      metric: `throughput, ${backend} / healthy backend`,
      value: ratio,
      unit: '×',
      target: '≥ 0.95',
      pass: ratio >= 0.95,
      note: `median of ${ROUNDS} rounds' ratios; sync times: healthy ${list(runs.healthy.map((r) => r.elapsedMs), 1000)} s, ${backend} ${list(runs[backend].map((r) => r.elapsedMs), 1000)} s`,
    });
  }
  const all = [...runs.healthy, ...runs.refused, ...runs['black hole']];
  const outages = [...runs.refused, ...runs['black hole']];
  const succeeded = all.filter((r) => r.status === 'succeeded' && r.records === records).length;
  out.push({ case: 'outage', metric: 'syncs succeeded with every record', value: succeeded, unit: `/ ${all.length}`, target: `= ${all.length}`, pass: succeeded === all.length });
  const peak = Math.max(...outages.map((r) => r.maxRssMb));
  out.push({
    case: 'outage',
    metric: 'peak RSS during an outage',
    value: Math.round(peak),
    unit: 'MB',
    target: `≤ ${LIMIT_MB} MB`,
    pass: peak <= LIMIT_MB,
    note: `healthy: ${Math.round(Math.max(...runs.healthy.map((r) => r.maxRssMb)))} MB; the export queues are bounded (4,096 spans, 4,096 log records)`,
  });
  const failures = Math.min(...outages.map((r) => r.exportFailures));
  out.push({
    case: 'outage',
    metric: 'failed exports counted, fewest in an outage run',
    value: failures,
    unit: '',
    target: '> 0',
    pass: failures > 0,
    note: `sync_telemetry_export_failures_total per run: refused ${runs.refused.map((r) => r.exportFailures).join(', ')}; black hole ${runs['black hole'].map((r) => r.exportFailures).join(', ')}; spans received when healthy: ${Math.round(seen.healthy.spans / ROUNDS)} per run`,
  });
  const clean = all.filter((r) => r.stderr.trim() === '').length;
  out.push({ case: 'outage', metric: 'worker exits 0 with an empty stderr', value: clean, unit: `/ ${all.length}`, target: `= ${all.length}`, pass: clean === all.length });
  const shutdown = Math.max(...outages.map((r) => r.shutdownMs));
  out.push({
    case: 'outage',
    metric: 'telemetry shutdown, slowest in an outage',
    value: Math.round(shutdown),
    unit: 'ms',
    target: `≤ ${SHUTDOWN_BUDGET_MS + 100} ms`,
    pass: shutdown <= SHUTDOWN_BUDGET_MS + 100,
    note: `runtime.shutdown(${SHUTDOWN_BUDGET_MS}); messages: ${[...new Set(outages.map((r) => r.telemetryError ?? 'none'))].join('; ')}`,
  });
  const exit = (r: WorkerRun) => r.shutdownMs + r.exitLagMs;
  const slowestExit = Math.max(...outages.map(exit));
  out.push({
    case: 'outage',
    metric: 'process exit after shutdown began, slowest in an outage',
    value: Math.round(slowestExit),
    unit: 'ms',
    target: `≤ ${EXIT_BUDGET_MS} ms`,
    pass: slowestExit <= EXIT_BUDGET_MS,
    note:
      `shutdown returns at its ${SHUTDOWN_BUDGET_MS} ms budget; exports still waiting are abandoned (counted) and the process ` +
      `exits within 500 ms as the CLI does; healthy: ${Math.round(Math.max(...runs.healthy.map(exit)))} ms; black-hole connections per run: ${Math.round(seen['black hole'].connections / ROUNDS)}`,
  });
  return out;
}
