import { describe, expect, it } from 'vitest';
import type { BatchRow, RateLimitRow } from '../../src/ports/run-store.js';
import { estimateEta, throughputOf } from '../../src/reports/eta.js';
import { progressOf } from '../../src/reports/run-progress.js';
import { aBatch, aPartition } from '../contract/run-store.fixtures.js';

const S = '202611231405-SYNC-7AC96AF9';
const counts = (synced: number, failed = 0, skipped = 0) => ({ synced, failed, skipped, pending: 0 });

describe('progressOf', () => {
  it('takes a finished partition\'s size from what it holds, even when that is zero', () => {
    const { progress, remainingRecords } = progressOf([aPartition(S, 'o/a', { status: 'succeeded', records: counts(0) })], counts(0));
    expect(progress).toMatchObject({ basis: 'records', percent: 100, expected_records: 0 });
    expect(remainingRecords).toBe(0);
  });

  it('falls back to partitions when nothing is finished and nothing estimated', () => {
    const { progress, remainingRecords } = progressOf([aPartition(S, 'o/a', { status: 'running' }), aPartition(S, 'o/b', { status: 'pending' })], counts(0));
    expect(progress).toMatchObject({ basis: 'partitions', percent: 0, segments: { synced: 0, failed: 0, in_progress: 1, pending: 1 } });
    expect(remainingRecords).toBeNull();
  });

  it('splits records into written, failed, in progress (running partitions) and pending (not started)', () => {
    const { progress, partitions, remainingRecords } = progressOf([
      aPartition(S, 'o/a', { status: 'succeeded', records: counts(95, 5) }),
      aPartition(S, 'o/b', { status: 'running', records: counts(40), recordsExpected: 200 }),
      aPartition(S, 'o/c', { status: 'pending' }),
    ], counts(135, 5));
    // o/c has no estimate: it counts as the average of the known sizes (100 and 200).
    expect(progress).toMatchObject({
      basis: 'records',
      segments: { synced: 135, skipped: 0, failed: 5, in_progress: 160, pending: 150 },
      expected_records: 450,
      expected_basis: 'partition_average',
      partitions_total: 3, partitions_finished: 1, partitions_running: 1,
    });
    expect(progress.percent).toBeCloseTo((140 / 450) * 100, 0);
    expect(remainingRecords).toBe(310);
    expect(partitions.map((p) => [p.key, p.expected_records, p.percent])).toEqual([['o/a', 100, 100], ['o/b', 200, 20], ['o/c', null, null]]);
  });

  it('never expects fewer records than a partition already holds', () => {
    const { progress } = progressOf([aPartition(S, 'o/a', { status: 'running', records: counts(0, 0, 120), recordsExpected: 100 })], counts(0, 0, 120));
    expect(progress).toMatchObject({ expected_records: 120, percent: 100, expected_basis: 'source_estimate', segments: { skipped: 120, in_progress: 0 } });
  });
});

const NOW = Date.parse('2026-11-23T14:10:00.000Z');
const batchEndingAt = (secondsAgo: number, records: number, n: number): BatchRow =>
  aBatch(S, 'o/a', n, { records, synced: records, failed: 0, startedAt: new Date(NOW - secondsAgo * 1000 - 100).toISOString(), durationMs: 100 });

describe('throughputOf', () => {
  it('measures the last minute apart from the whole run, and buckets the run for the sparkline', () => {
    const batches = [batchEndingAt(300, 600, 1), batchEndingAt(50, 300, 2), batchEndingAt(10, 300, 3)];
    const t = throughputOf(batches, { attemptStartMs: NOW - 400_000, wallMs: 400_000, endMs: NOW });
    expect(t.records_per_second).toBe(3);
    expect(t.recent_records_per_second).toBe(10);
    expect(t.window_seconds).toBe(60);
    expect(t.series).toHaveLength(40);
    expect(t.series.reduce((a, b) => a + b, 0) * t.bucket_seconds).toBeCloseTo(1200, -1);
  });

  it('uses the time since the attempt started when that is under a minute', () => {
    const t = throughputOf([batchEndingAt(5, 100, 1)], { attemptStartMs: NOW - 10_000, wallMs: 10_000, endMs: NOW });
    expect(t.window_seconds).toBe(10);
    expect(t.recent_records_per_second).toBe(10);
  });
});

const throughput = { records_per_second: 8, recent_records_per_second: 10, window_seconds: 60, series: [], bucket_seconds: 1 };
const budget = (remaining: number, resetInSeconds: number): RateLimitRow => ({
  syncId: S, connector: 'github', resource: 'core', limit: 5000, remaining, resetAt: new Date(NOW + resetInSeconds * 1000).toISOString(), observedAt: new Date(NOW).toISOString(),
});

describe('estimateEta', () => {
  it('has no ETA without a size or a throughput, and says why', () => {
    expect(estimateEta({ remainingRecords: null, throughput, callsPerRecord: 0.01, budgets: [], now: NOW })).toEqual({ eta: null, reason: 'no partition has reported its size yet' });
    const idle = { ...throughput, records_per_second: 0, recent_records_per_second: 0 };
    expect(estimateEta({ remainingRecords: 100, throughput: idle, callsPerRecord: null, budgets: [], now: NOW }).reason).toMatch(/no records written yet/);
  });

  it('divides the remaining records by the recent throughput', () => {
    const { eta } = estimateEta({ remainingRecords: 1000, throughput, callsPerRecord: 0.01, budgets: [budget(4000, 600)], now: NOW });
    expect(eta).toMatchObject({ seconds: 100, basis: 'throughput', remaining_records: 1000, records_per_second: 10, budget: null });
    expect(eta?.at).toBe(new Date(NOW + 100_000).toISOString());
    expect(eta?.explanation).toBe('1,000 records left at 10 records/s (the last 60 s)');
  });

  it('is bounded by the budget: calls beyond what is left wait for the reset', () => {
    // 10,000 records at 0.01 calls each = 100 calls; 40 left, reset in 30 min; then 60 calls at 0.1 calls/s.
    const { eta } = estimateEta({ remainingRecords: 10_000, throughput, callsPerRecord: 0.01, budgets: [budget(40, 1800)], now: NOW });
    expect(eta).toMatchObject({ basis: 'rate_limit_budget', seconds: 1800 + 600, budget: { remaining: 40, calls_needed: 100, resource: 'core' } });
    expect(eta?.explanation).toContain('40 left until the reset at 14:40:00 UTC');
  });

  it('ignores a budget whose window has already reset', () => {
    const { eta } = estimateEta({ remainingRecords: 10_000, throughput, callsPerRecord: 0.01, budgets: [budget(0, -5)], now: NOW });
    expect(eta?.basis).toBe('throughput');
  });
});
