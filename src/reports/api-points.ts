import type { OperationApiUsageRow, RunRow, RunStore } from '../ports/run-store.js';
import type { DigestApiPoints } from './digest-types.js';

/** The rate-limit resource whose cost is GraphQL points (REST calls count against `core`). */
export const POINTS_RESOURCE = 'graphql';
export const TOP_QUERIES = 5;

/**
 * The points a run spent over GraphQL, from its calls per operation: their summed cost, the
 * records read per point and the costliest query names. Null when it made no GraphQL call, so a
 * REST run's summaries print no points at all rather than a row of zeros.
 */
export function apiPointsOf(usage: OperationApiUsageRow[], recordsRead: number): DigestApiPoints | null {
  const queries = usage.filter((u) => u.resource === POINTS_RESOURCE);
  if (queries.length === 0) return null;
  const spent = round(queries.reduce((sum, q) => sum + q.cost, 0), 2);
  return {
    spent,
    records_per_point: spent > 0 ? round(recordsRead / spent, 1) : 0,
    top_queries: [...queries]
      .sort((a, b) => b.cost - a.cost || b.calls - a.calls || a.operation.localeCompare(b.operation))
      .slice(0, TOP_QUERIES)
      .map((q) => ({ operation: q.operation, calls: q.calls, errors: q.errors, points: round(q.cost, 2), duration_ms: Math.round(q.totalDurationMs) })),
  };
}

/** `apiPointsOf` for a finished run, read from its store (the CLI summaries). */
export async function apiPointsOfRun(store: RunStore, run: RunRow): Promise<DigestApiPoints | null> {
  return apiPointsOf(await store.apiUsageByOperation(run.syncId), run.records.synced + run.records.skipped);
}

/** One line for terminals: `12 points · 100.0 records/point · top: RepositoryPullRequests 10 (5 calls)`. */
export function pointsLine(points: DigestApiPoints): string {
  const top = points.top_queries.slice(0, 3).map((q) => `${q.operation} ${q.points} (${q.calls} ${q.calls === 1 ? 'call' : 'calls'})`).join(', ');
  return `${points.spent} points · ${points.records_per_point} records/point${top ? ` · top: ${top}` : ''}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
