import type { RunStore } from '../../src/ports/run-store.js';
import { aBatch, anApiCall, aPartition, aRecordState, aRun, GITHUB, isoAt, syncIdAt } from '../contract/run-store.fixtures.js';

export const PREVIOUS = syncIdAt(0, 'AAAA0000');
export const CURRENT = syncIdAt(5, 'BBBB1111');
export const RETRY = syncIdAt(10, 'CCCC2222');

/**
 * Three runs of one pipeline: a clean previous run, a partial one (a partition with failed
 * records, one that failed whole, one never reached) and a retry of the partial one's failures.
 */
export async function seedRuns(store: RunStore): Promise<void> {
  await store.createRun(aRun({
    syncId: PREVIOUS, startedAt: isoAt(0), status: 'succeeded', finishedAt: isoAt(0, 10), durationMs: 10_000,
    records: { synced: 50, failed: 0, skipped: 0, pending: 0 }, partitions: { total: 2, succeeded: 2, failed: 0 },
  }));
  await store.recordApiCalls([1, 2, 3, 4].map(() => anApiCall(PREVIOUS)));

  await store.createRun(aRun({
    syncId: CURRENT, startedAt: isoAt(5), status: 'partial', finishedAt: isoAt(5, 12), durationMs: 12_000,
    records: { synced: 38, failed: 2, skipped: 0, pending: 0 }, partitions: { total: 4, succeeded: 1, failed: 2 },
    api: { requests: 6, retries: 1, rateLimitWaits: 1, rateLimitWaitSeconds: 2, rateLimitRejections: 0 },
    errorCategory: 'VALIDATION_ERROR', errorMessage: null,
  }));
  await store.savePartition(aPartition(CURRENT, 'octo/api', {
    status: 'succeeded', records: { synced: 30, failed: 0, skipped: 0, pending: 0 }, batchesTotal: 3, durationMs: 4000, finishedAt: isoAt(5, 5),
  }));
  await store.savePartition(aPartition(CURRENT, 'octo/web', {
    status: 'failed', records: { synced: 8, failed: 2, skipped: 0, pending: 0 }, batchesTotal: 1, batchesFailed: 1, durationMs: 3000,
    finishedAt: isoAt(5, 6), errorCategory: 'VALIDATION_ERROR',
  }));
  await store.savePartition(aPartition(CURRENT, 'octo/gone', {
    status: 'failed', durationMs: 50, finishedAt: isoAt(5, 1), errorCategory: 'NOT_FOUND', errorMessage: 'GitHub 404: Not Found',
  }));
  await store.savePartition(aPartition(CURRENT, 'octo/late', { status: 'pending', startedAt: null }));
  for (let b = 1; b <= 3; b++) {
    const records = Array.from({ length: 10 }, (_, i) => aRecordState(CURRENT, 'octo/api', (b - 1) * 10 + i + 1));
    await store.commitBatch({ batch: aBatch(CURRENT, 'octo/api', b, { records: 10, synced: 10, durationMs: 100, attempt: b === 2 ? 2 : 1 }), records });
  }
  const web = Array.from({ length: 10 }, (_, i) => aRecordState(CURRENT, 'octo/web', i + 1, i < 2
    ? { status: 'failed', externalId: null, errorCategory: 'VALIDATION_ERROR', errorMessage: `title | too long #${i + 1}` }
    : {}));
  await store.commitBatch({ batch: aBatch(CURRENT, 'octo/web', 1, { status: 'failure', records: 10, synced: 8, failed: 2, durationMs: 50 }), records: web });
  await store.recordApiCalls([
    ...[1, 2, 3, 4, 5].map((i) => anApiCall(CURRENT, { durationMs: 1000, spanId: `00000000000000a${i}` })),
    anApiCall(CURRENT, { partitionKey: 'octo/gone', status: 404, errorCategory: 'NOT_FOUND', durationMs: 1000, requestId: 'REQ-404' }),
  ]);

  await store.createRun(aRun({
    syncId: RETRY, startedAt: isoAt(10), status: 'succeeded', finishedAt: isoAt(10, 3), durationMs: 3000, retryOf: CURRENT,
    records: { synced: 2, failed: 0, skipped: 0, pending: 0 },
  }));
}
