import { beforeEach, describe, expect, it } from 'vitest';
import { buildRunDigest } from '../../src/reports/run-digest.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { CURRENT, PREVIOUS, RETRY, seedRuns } from './seed.js';

const NOW = Date.parse('2026-11-23T15:00:00.000Z');

describe('buildRunDigest', () => {
  let store: InMemoryRunStore;
  beforeEach(async () => {
    store = new InMemoryRunStore();
    await seedRuns(store);
  });

  it('is undefined for an unknown sync', async () => {
    expect(await buildRunDigest(store, '202611231400-SYNC-00000000')).toBeUndefined();
  });

  it('counts records from the store and partitions by outcome, failed first', async () => {
    const d = (await buildRunDigest(store, CURRENT, { now: () => NOW }))!;
    expect(d.status_mark).toBe('⚠️');
    expect(d.records).toEqual({ synced: 38, failed: 2, skipped: 0, pending: 0, total: 40 });
    expect(d.partitions.map((p) => [p.key, p.mark])).toEqual([
      ['octo/gone', '❌'],
      ['octo/web', '❌'],
      ['octo/late', '⏸'],
      ['octo/api', '✅'],
    ]);
    expect(d.partition_totals).toEqual({ total: 4, succeeded: 1, failed: 2, unfinished: 1 });
    expect(d.progress).toEqual({ partitions_total: 4, partitions_finished: 3, percent: 75 });
    expect(d.partitions.find((p) => p.key === 'octo/api')).toMatchObject({ write_retries: 1, destination_ms: 300, report_file: 'repo_reports/octo__api.md' });
  });

  it('computes batch success, throughput and the time breakdown from batches, API usage and waits', async () => {
    const d = (await buildRunDigest(store, CURRENT))!;
    expect(d.batches).toEqual({ total: 4, succeeded: 3, failed: 1, success_rate: 0.75, write_retries: 1 });
    expect(d.throughput_records_per_second).toBe(3.2);
    expect(d.time_breakdown).toMatchObject({
      wall_ms: 12_000, api_ms: 6000, api_calls: 6, rate_limit_wait_ms: 2000, destination_ms: 350, other_ms: 3650, dominant: 'api',
    });
  });

  it('lists errors by category with record and partition failures, and the top failing records', async () => {
    const d = (await buildRunDigest(store, CURRENT))!;
    expect(d.errors.by_category).toEqual([
      { category: 'VALIDATION_ERROR', records: 2, partitions: 0, run_level: false, example_message: 'title | too long #1' },
      { category: 'NOT_FOUND', records: 0, partitions: 1, run_level: false, example_message: 'GitHub 404: Not Found' },
    ]);
    expect(d.errors.top_failed_records.map((r) => r.record_key)).toEqual(['octo/web#1', 'octo/web#2']);
    // The run row repeats its first failed partition's error: that is not a run-level error.
    expect(d.errors.run_error).toBeNull();
  });

  it('links the previous run with deltas, and the retry in both directions', async () => {
    const d = (await buildRunDigest(store, CURRENT))!;
    expect(d.previous).toEqual({
      sync_id: PREVIOUS,
      status: 'succeeded',
      started_at: '2026-11-23T14:00:00.000Z',
      deltas: { records_synced: -12, records_failed: 2, partitions_failed: 2, duration_ms: 2000, quota_cost: 2 },
    });
    expect(d.quota).toEqual([{ connector: 'github', resource: 'core', calls: 6, errors: 1, cost: 6, duration_ms: 6000 }]);
    expect(d.retried_by).toEqual([RETRY]);
    const retry = (await buildRunDigest(store, RETRY))!;
    expect(retry.retry_of).toBe(CURRENT);
    expect(retry.retried_by).toEqual([]);
  });

  it('applies the redaction net to every message', async () => {
    const d = (await buildRunDigest(store, CURRENT, { redact: (t) => t.replace(/too long/g, '[X]') }))!;
    expect(d.errors.top_failed_records[0]?.message).toBe('title | [X] #1');
    expect(d.errors.by_category[0]?.example_message).toBe('title | [X] #1');
  });

  it('counts a running run up to now, and a run that failed before listing partitions as a run-level error', async () => {
    await store.updateRun({ ...(await store.getRun(PREVIOUS))!, status: 'failed', partitions: { total: 0, succeeded: 0, failed: 0 }, errorCategory: 'INVALID_CREDENTIALS', errorMessage: 'GitHub 401: Bad credentials' });
    const failed = (await buildRunDigest(store, PREVIOUS))!;
    expect(failed.status_mark).toBe('❌');
    expect(failed.errors.run_error).toEqual({ category: 'INVALID_CREDENTIALS', message: 'GitHub 401: Bad credentials' });
    expect(failed.errors.by_category).toEqual([{ category: 'INVALID_CREDENTIALS', records: 0, partitions: 0, run_level: true, example_message: 'GitHub 401: Bad credentials' }]);
    expect(failed.partitions).toEqual([]);
    expect(failed.progress.percent).toBe(100);

    await store.updateRun({ ...(await store.getRun(RETRY))!, status: 'running', finishedAt: null, durationMs: null });
    const running = (await buildRunDigest(store, RETRY, { now: () => Date.parse('2026-11-23T14:10:30.000Z') }))!;
    expect(running.status_mark).toBe('⏳');
    expect(running.duration_ms).toBe(30_000);
  });
});
