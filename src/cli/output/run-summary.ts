import type { RunRow } from '../../ports/run-store.js';
import { pointsLine } from '../../reports/api-points.js';
import type { DigestApiPoints, DigestApiTotals } from '../../reports/digest-types.js';
import { apiTotals } from '../../reports/run-digest.js';
import type { PlannedContainer } from '../../wiring/pipeline-connectors.js';

export interface SimulatorCounters {
  requests: number;
  rate_limit_rejections: number;
  faults_injected: number;
  /** The Monday simulator's view of the board after the run. */
  groups?: number;
  items?: number;
  duplicate_items?: number;
  concurrent_board_mutations?: number;
}

/** The `--json` summary: a contract other tools and tests rely on. */
export interface JsonRunSummary {
  sync_id: string;
  trace_id: string;
  status: RunRow['status'];
  pipeline: string;
  records: { synced: number; failed: number; skipped: number; pending: number };
  partitions: { total: number; succeeded: number; failed: number };
  batches: { total: number; succeeded: number; failed: number };
  /** `points`: the GraphQL points spent; absent for runs without GraphQL calls (REST mode). */
  api: DigestApiTotals & { points?: DigestApiPoints };
  duration_seconds: number;
  throughput_records_per_second: number;
  resume_count: number;
  retry_of: string | null;
  error: { category: string; message: string | null } | null;
  report_path?: string;
  simulator?: SimulatorCounters;
  /** What the run read per container (orders: per Monday group); a dry run's planned work. */
  planned?: PlannedContainer[];
}

export function toJsonSummary(run: RunRow, extra: { reportPath?: string; simulator?: SimulatorCounters; plan?: PlannedContainer[]; points?: DigestApiPoints | null } = {}): JsonRunSummary {
  const durationSeconds = (run.durationMs ?? 0) / 1000;
  const processed = run.records.synced + run.records.skipped;
  return {
    sync_id: run.syncId,
    trace_id: run.traceId,
    status: run.status,
    pipeline: run.pipeline,
    records: { ...run.records },
    partitions: { ...run.partitions },
    batches: { ...run.batches },
    api: { ...apiTotals(run.api), ...(extra.points ? { points: extra.points } : {}) },
    duration_seconds: round(durationSeconds, 3),
    throughput_records_per_second: durationSeconds > 0 ? round(processed / durationSeconds, 1) : 0,
    resume_count: run.resumeCount,
    retry_of: run.retryOf,
    error: run.errorCategory ? { category: run.errorCategory, message: run.errorMessage } : null,
    ...(extra.reportPath ? { report_path: extra.reportPath } : {}),
    ...(extra.simulator ? { simulator: extra.simulator } : {}),
    ...(extra.plan ? { planned: extra.plan } : {}),
  };
}

const STATUS_MARK: Record<RunRow['status'], string> = {
  succeeded: '✅ succeeded',
  partial: '⚠️  partial (some records or partitions failed)',
  failed: '❌ failed',
  interrupted: '⏸  interrupted (resume with --resume)',
  cancelled: '⏹  cancelled (resume with --resume)',
  running: '… running',
};

/** The human summary printed to stdout at the end of a run. */
export function renderHumanSummary(summary: JsonRunSummary): string {
  const rows: Array<[string, string]> = [
    ['Sync ID', summary.sync_id],
    ['Status', STATUS_MARK[summary.status]],
    ['Trace ID', summary.trace_id],
    ['Records', `${summary.records.synced} synced · ${summary.records.failed} failed · ${summary.records.skipped} skipped · ${summary.records.pending} pending`],
    ['Partitions', `${summary.partitions.succeeded}/${summary.partitions.total} succeeded · ${summary.partitions.failed} failed`],
    ['Batches', `${summary.batches.succeeded}/${summary.batches.total} succeeded`],
    ['API calls', `${summary.api.requests} requests · ${summary.api.retries} retries · ${summary.api.rate_limit_waits} rate-limit waits (${summary.api.rate_limit_wait_seconds.toFixed(1)} s) · ${summary.api.rate_limit_rejections} rejections`],
    ...(summary.api.points ? [['API points', pointsLine(summary.api.points)] as [string, string]] : []),
    ['Duration', `${summary.duration_seconds.toFixed(2)} s`],
    ['Throughput', `${summary.throughput_records_per_second} records/s`],
  ];
  if (summary.error) rows.push(['Error', `${summary.error.category}: ${summary.error.message ?? ''}`]);
  if (summary.retry_of) rows.push(['Retry of', summary.retry_of]);
  if (summary.simulator) {
    const sim = summary.simulator;
    const board = sim.items === undefined ? '' : ` · board: ${sim.groups ?? 0} groups, ${sim.items} items, ${sim.duplicate_items ?? 0} duplicates, ${sim.concurrent_board_mutations ?? 0} concurrent mutations`;
    rows.push(['Simulator', `${sim.requests} requests · ${sim.rate_limit_rejections} rejections · ${sim.faults_injected} faults injected${board}`]);
  }
  if (summary.report_path) rows.push(['Report', summary.report_path]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
