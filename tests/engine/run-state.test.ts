import { describe, expect, it } from 'vitest';
import { deriveRunStatus, emptyRun, summariseRun, type RunEnd } from '../../src/engine/run-state.js';
import { SyncError } from '../../src/errors/sync-error.js';
import type { BatchRow, PartitionRow, PartitionStatus, RecordCounts, RunStore } from '../../src/ports/run-store.js';

function partition(status: PartitionStatus, over: Partial<PartitionRow> = {}): PartitionRow {
  return {
    syncId: 's1', partitionKey: `p-${status}`, kind: 'pulls', status,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 }, batchesTotal: 0, batchesFailed: 0,
    startedAt: null, finishedAt: null, durationMs: null, errorCategory: null, errorMessage: null, recordsExpected: null,
    ...over,
  } as PartitionRow;
}

/** The two store reads summariseRun makes, answered from fixed rows. */
function store(counts: RecordCounts, batches: Array<BatchRow['status']>): RunStore {
  return {
    countRecordStates: async () => counts,
    listBatches: async () => batches.map((status, i) => ({ status, batchId: `b#${i}` }) as BatchRow),
  } as unknown as RunStore;
}

const base = () => emptyRun({ syncId: 's1', pipeline: 'github', recordedOptions: { perPage: 10 } }, 'trace1', 'span1', '2026-01-01T00:00:00.000Z');
const stats = { requests: 5, retries: 2, rateLimitWaits: 1, rateLimitWaitSeconds: 3, rateLimitRejections: 1, apiTimeMs: 10, destinationTimeMs: 4 };

describe('emptyRun', () => {
  it('starts running with every counter at zero and the given identity', () => {
    expect(base()).toEqual({
      syncId: 's1', pipeline: 'github', organization: 'default', status: 'running', options: { perPage: 10 },
      startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, durationMs: null, traceId: 'trace1', rootSpanId: 'span1',
      resumeCount: 0, retryOf: null,
      records: { synced: 0, failed: 0, skipped: 0, pending: 0 },
      partitions: { total: 0, succeeded: 0, failed: 0 },
      batches: { total: 0, succeeded: 0, failed: 0 },
      api: { requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitSeconds: 0, rateLimitRejections: 0 },
      errorCategory: null, errorMessage: null, cancelRequest: null,
    });
  });

  it('keeps the organization and the run it retries', () => {
    const run = emptyRun({ syncId: 's2', pipeline: 'p', organization: 'acme', recordedOptions: {}, retryOf: 's1' }, 't', 'r', 'now');
    expect(run.organization).toBe('acme');
    expect(run.retryOf).toBe('s1');
  });
});

describe('deriveRunStatus', () => {
  const err = new SyncError('INTERNAL', 'boom');
  it.each<[string, PartitionStatus[], boolean, string]>([
    ['no partitions', [], false, 'succeeded'],
    ['all succeeded', ['succeeded', 'succeeded'], false, 'succeeded'],
    ['a run error wins over everything', ['succeeded'], true, 'failed'],
    ['one interrupted', ['succeeded', 'interrupted'], false, 'interrupted'],
    ['one still running', ['running', 'failed'], false, 'interrupted'],
    ['one pending', ['pending', 'succeeded'], false, 'interrupted'],
    ['some failed', ['failed', 'succeeded'], false, 'partial'],
    ['all failed', ['failed', 'failed'], false, 'failed'],
  ])('%s → %s', (_name, statuses, withError, expected) => {
    expect(deriveRunStatus(statuses.map((s) => partition(s)), withError ? err : undefined)).toBe(expected);
  });
});

describe('summariseRun', () => {
  const end = (over: Partial<RunEnd> = {}): RunEnd => ({
    status: 'partial',
    partitions: [partition('succeeded'), partition('failed', { errorCategory: 'NOT_FOUND', errorMessage: 'GitHub 404' }), partition('interrupted')],
    stats, uncommitted: 3, finishedAt: '2026-01-01T00:01:00.000Z', attemptDurationMs: 60_000,
    ...over,
  });

  it('counts records from the store, partitions and batches from the outcomes, and adds API stats to the previous attempts', async () => {
    const previous = { ...base(), durationMs: 1000, api: { requests: 10, retries: 1, rateLimitWaits: 2, rateLimitWaitSeconds: 4, rateLimitRejections: 5 } };
    const row = await summariseRun(store({ synced: 7, failed: 2, skipped: 1, pending: 4 }, ['success', 'failure', 'success']), previous, end());
    expect(row).toMatchObject({
      status: 'partial',
      finishedAt: '2026-01-01T00:01:00.000Z',
      durationMs: 61_000,
      records: { synced: 7, failed: 2, skipped: 1, pending: 7 },
      partitions: { total: 3, succeeded: 1, failed: 1 },
      batches: { total: 3, succeeded: 2, failed: 1 },
      api: { requests: 15, retries: 3, rateLimitWaits: 3, rateLimitWaitSeconds: 7, rateLimitRejections: 6 },
      errorCategory: 'NOT_FOUND',
      errorMessage: 'GitHub 404',
    });
  });

  it('starts the duration from zero on a first attempt and never counts negative uncommitted records', async () => {
    const row = await summariseRun(store({ synced: 1, failed: 0, skipped: 0, pending: 0 }, []), base(), end({ uncommitted: -5, partitions: [partition('succeeded')] }));
    expect(row.durationMs).toBe(60_000);
    expect(row.records.pending).toBe(0);
    expect(row.batches).toEqual({ total: 0, succeeded: 0, failed: 0 });
    expect(row.errorCategory).toBeNull();
    expect(row.errorMessage).toBeNull();
  });

  it('prefers the run error over a failed partition', async () => {
    const row = await summariseRun(store({ synced: 0, failed: 0, skipped: 0, pending: 0 }, []), base(), end({ error: { category: 'INVALID_CREDENTIALS', message: 'bad token' } }));
    expect(row.errorCategory).toBe('INVALID_CREDENTIALS');
    expect(row.errorMessage).toBe('bad token');
  });
});
