import type {
  ApiCallRow, BatchRow, PartitionRow, RecordStateRow, RunAttemptRow, RunRow,
} from '../../src/ports/run-store.js';

/* Realistic rows for the run-store contract: a GitHub pipeline and a Monday order pipeline. */

export const GITHUB = 'github-pull-requests';
export const ORDERS = 'orders-to-monday';

/** A sync ID for `minute` past 2026-11-23 14:00 UTC, with `hex` as its random part. */
export function syncIdAt(minute: number, hex: string): string {
  return `2026112314${String(minute).padStart(2, '0')}-SYNC-${hex}`;
}

export function isoAt(minute: number, second = 0, ms = 0): string {
  return new Date(Date.UTC(2026, 10, 23, 14, minute, second, ms)).toISOString();
}

export function aRun(overrides: Partial<RunRow> & Pick<RunRow, 'syncId' | 'startedAt'>): RunRow {
  return {
    pipeline: GITHUB,
    organization: 'default',
    status: 'running',
    options: { execute: true, limit: 3, repos: ['octo/api', 'octo/web'], nested: { dryRun: false } },
    finishedAt: null,
    durationMs: null,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    rootSpanId: '00f067aa0ba902b7',
    resumeCount: 0,
    retryOf: null,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 },
    partitions: { total: 2, succeeded: 0, failed: 0 },
    batches: { total: 0, succeeded: 0, failed: 0 },
    api: { requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitSeconds: 0, rateLimitRejections: 0 },
    errorCategory: null,
    errorMessage: null,
    cancelRequest: null,
    ...overrides,
  };
}

export function anAttempt(syncId: string, attempt: number, overrides: Partial<RunAttemptRow> = {}): RunAttemptRow {
  return {
    syncId,
    attempt,
    startedAt: isoAt(5, attempt),
    finishedAt: null,
    status: 'running',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: `00f067aa0ba902b${attempt}`,
    ...overrides,
  };
}

export function aPartition(syncId: string, partitionKey: string, overrides: Partial<PartitionRow> = {}): PartitionRow {
  return {
    syncId,
    partitionKey,
    kind: 'repo',
    status: 'running',
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 },
    batchesTotal: 0,
    batchesFailed: 0,
    startedAt: isoAt(5, 1),
    finishedAt: null,
    durationMs: null,
    errorCategory: null,
    errorMessage: null,
    recordsExpected: null,
    ...overrides,
  };
}

export function aBatch(syncId: string, partitionKey: string, sequence: number, overrides: Partial<BatchRow> = {}): BatchRow {
  return {
    syncId,
    partitionKey,
    batchId: `${partitionKey}#${sequence}`,
    sequence,
    status: 'success',
    records: 3,
    synced: 3,
    failed: 0,
    attempt: 1,
    startedAt: isoAt(6, sequence),
    durationMs: 182.5,
    errorCategory: null,
    errorMessage: null,
    ...overrides,
  };
}

export function aRecordState(
  syncId: string,
  partitionKey: string,
  number: number,
  overrides: Partial<RecordStateRow> = {},
): RecordStateRow {
  return {
    syncId,
    recordKey: `${partitionKey}#${number}`,
    partitionKey,
    entity: 'pull_request',
    status: 'synced',
    externalId: String(1_000_000 + number),
    errorCategory: null,
    errorMessage: null,
    requestId: null,
    updatedAt: isoAt(6, number % 60),
    ...overrides,
  };
}

export function anApiCall(syncId: string, overrides: Partial<ApiCallRow> = {}): ApiCallRow {
  return {
    syncId,
    partitionKey: 'octo/api',
    connector: 'github',
    operation: 'pulls.list',
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls',
    url: 'http://127.0.0.1:4010/repos/octo/api/pulls?state=all&per_page=100',
    status: 200,
    durationMs: 41.25,
    attempt: 1,
    errorCategory: null,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: 'b7ad6b7169203331',
    requestId: 'C0DE:1F2E:3A4B5C:6D7E8F:65A1B2C3',
    resource: 'core',
    cost: 1,
    rateLimitRemaining: 4987,
    requestHeaders: { accept: 'application/vnd.github+json', authorization: '[REDACTED]' },
    requestBody: null,
    responseBody: '[{"id":1,"number":42,"title":"Fix \\"quoted\\" path C:\\\\tmp"}]',
    truncated: false,
    startedAt: isoAt(6),
    ...overrides,
  };
}
