import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/ports/run-store.js';
import { GITHUB, ORDERS, aPartition, aRun, anAttempt, isoAt, syncIdAt } from './run-store.fixtures.js';
import { expectSyncError } from './run-store.helpers.js';
import type { StoreContext } from './run-store.helpers.js';

/** Runs, attempts and partitions. */
export function describeRunContract(ctx: StoreContext): void {
  const first = aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) });

  describe('runs', () => {
    it('creates a run and reads every field back', async () => {
      const run = aRun({
        syncId: syncIdAt(5, '7AC96AF9'),
        startedAt: isoAt(5, 0, 123),
        retryOf: syncIdAt(1, '00000001'),
        options: { execute: true, customer: 'PELOTON', limit: 3, skipSubitems: true, tags: ['a', 'b'] },
      });
      await ctx.store.createRun(run);
      expect(await ctx.store.getRun(run.syncId)).toEqual(run);
      expect(await ctx.store.getRun(syncIdAt(5, 'FFFFFFFF'))).toBeUndefined();
    });

    it('rejects a second run with the same sync ID as CONFLICT and keeps the first', async () => {
      await ctx.store.createRun(first);
      const error = await expectSyncError(ctx.store.createRun({ ...first, pipeline: ORDERS }), 'CONFLICT');
      expect(error.message).toContain(first.syncId);
      expect((await ctx.store.getRun(first.syncId))?.pipeline).toBe(GITHUB);
    });

    it('updates the mutable fields of a run', async () => {
      await ctx.store.createRun(first);
      const finished: RunRow = {
        ...first,
        status: 'partial',
        finishedAt: isoAt(9, 30),
        durationMs: 270_000,
        resumeCount: 1,
        records: { synced: 1520, failed: 3, skipped: 12, pending: 0 },
        partitions: { total: 2, succeeded: 1, failed: 1 },
        batches: { total: 16, succeeded: 15, failed: 1 },
        api: { requests: 412, retries: 7, rateLimitWaits: 2, rateLimitWaitSeconds: 61.5, rateLimitRejections: 1 },
        errorCategory: 'RATE_LIMITED',
        errorMessage: 'secondary rate limit on octo/web',
      };
      await ctx.store.updateRun(finished);
      expect(await ctx.store.getRun(first.syncId)).toEqual(finished);
    });

    it('keeps the identity of a run (pipeline, start, options, trace) on update', async () => {
      await ctx.store.createRun(first);
      await ctx.store.updateRun({
        ...first,
        pipeline: ORDERS,
        startedAt: isoAt(50),
        options: {},
        traceId: 'ffffffffffffffffffffffffffffffff',
        status: 'succeeded',
      });
      const stored = await ctx.store.getRun(first.syncId);
      expect(stored).toEqual({ ...first, status: 'succeeded' });
    });

    it('rejects updating an unknown run as NOT_FOUND', async () => {
      await expectSyncError(ctx.store.updateRun(first), 'NOT_FOUND');
    });

    it('lists runs most recent first, filtered by status, pipeline and start time', async () => {
      const runs = [
        aRun({ syncId: syncIdAt(1, 'AAAAAAA1'), startedAt: isoAt(1), status: 'succeeded' }),
        aRun({ syncId: syncIdAt(2, 'AAAAAAA2'), startedAt: isoAt(2), status: 'failed', pipeline: ORDERS }),
        aRun({ syncId: syncIdAt(3, 'AAAAAAA3'), startedAt: isoAt(3), status: 'failed' }),
        aRun({ syncId: syncIdAt(4, 'AAAAAAA4'), startedAt: isoAt(4), status: 'running', pipeline: ORDERS }),
      ];
      // Inserted out of order: the store sorts, not the insertion order.
      for (const run of [runs[2], runs[0], runs[3], runs[1]]) await ctx.store.createRun(run!);
      const ids = (list: RunRow[]) => list.map((r) => r.syncId.slice(-1));

      expect(ids(await ctx.store.listRuns())).toEqual(['4', '3', '2', '1']);
      expect(ids(await ctx.store.listRuns({ status: 'failed' }))).toEqual(['3', '2']);
      expect(ids(await ctx.store.listRuns({ pipeline: ORDERS }))).toEqual(['4', '2']);
      expect(ids(await ctx.store.listRuns({ since: isoAt(2) }))).toEqual(['4', '3', '2']);
      expect(ids(await ctx.store.listRuns({ limit: 2 }))).toEqual(['4', '3']);
      expect(ids(await ctx.store.listRuns({ status: 'failed', pipeline: GITHUB, since: isoAt(1) }))).toEqual(['3']);
      expect(await ctx.store.listRuns({ status: 'interrupted' })).toEqual([]);
      expect(await ctx.store.listRuns({ limit: 0 })).toEqual([]);
      expect(await ctx.store.listRuns()).toEqual([...runs].reverse());
    });

    it('returns at most 50 runs by default', async () => {
      for (let i = 0; i < 53; i++) {
        await ctx.store.createRun(aRun({ syncId: syncIdAt(i, `0000${String(i).padStart(4, '0')}`), startedAt: isoAt(i) }));
      }
      const listed = await ctx.store.listRuns();
      expect(listed).toHaveLength(50);
      expect(listed[0]?.startedAt).toBe(isoAt(52));
    });

    it('orders runs started in the same instant by sync ID', async () => {
      await ctx.store.createRun(aRun({ syncId: syncIdAt(5, 'BBBBBBBB'), startedAt: isoAt(5) }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(5, 'AAAAAAAA'), startedAt: isoAt(5) }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(5, 'CCCCCCCC'), startedAt: isoAt(4) }));
      const listed = await ctx.store.listRuns();
      expect(listed.map((r) => r.syncId)).toEqual([syncIdAt(5, 'BBBBBBBB'), syncIdAt(5, 'AAAAAAAA'), syncIdAt(5, 'CCCCCCCC')]);
      expect((await ctx.store.previousRun(GITHUB, syncIdAt(5, 'BBBBBBBB')))?.syncId).toBe(syncIdAt(5, 'AAAAAAAA'));
    });

    it('finds the previous run of the same pipeline', async () => {
      const a = aRun({ syncId: syncIdAt(1, 'AAAAAAA1'), startedAt: isoAt(1), status: 'succeeded' });
      const b = aRun({ syncId: syncIdAt(2, 'AAAAAAA2'), startedAt: isoAt(2), pipeline: ORDERS });
      const c = aRun({ syncId: syncIdAt(3, 'AAAAAAA3'), startedAt: isoAt(3), status: 'failed' });
      const d = aRun({ syncId: syncIdAt(4, 'AAAAAAA4'), startedAt: isoAt(4) });
      for (const run of [a, b, c, d]) await ctx.store.createRun(run);

      expect(await ctx.store.previousRun(GITHUB, d.syncId)).toEqual(c);
      expect(await ctx.store.previousRun(GITHUB, c.syncId)).toEqual(a);
      expect(await ctx.store.previousRun(GITHUB, a.syncId)).toBeUndefined();
      expect(await ctx.store.previousRun(ORDERS, d.syncId)).toEqual(b);
      expect(await ctx.store.previousRun(GITHUB, syncIdAt(9, 'DEADBEEF'))).toBeUndefined();
    });
  });

  describe('attempts', () => {
    it('saves attempts in order and replaces one saved again', async () => {
      await ctx.store.createRun(first);
      await ctx.store.saveAttempt(anAttempt(first.syncId, 2));
      await ctx.store.saveAttempt(anAttempt(first.syncId, 1));
      const finished = anAttempt(first.syncId, 1, { status: 'interrupted', finishedAt: isoAt(7) });
      await ctx.store.saveAttempt(finished);
      expect(await ctx.store.listAttempts(first.syncId)).toEqual([finished, anAttempt(first.syncId, 2)]);
      expect(await ctx.store.listAttempts(syncIdAt(9, 'DEADBEEF'))).toEqual([]);
    });

    it('rejects an attempt of an unknown run as CONFLICT', async () => {
      await expectSyncError(ctx.store.saveAttempt(anAttempt(first.syncId, 1)), 'CONFLICT');
    });
  });

  describe('partitions', () => {
    it('upserts partitions by key and lists them by key', async () => {
      const other = aRun({ syncId: syncIdAt(6, '0BADCAFE'), startedAt: isoAt(6), pipeline: ORDERS });
      await ctx.store.createRun(first);
      await ctx.store.createRun(other);
      await ctx.store.savePartition(aPartition(first.syncId, 'octo/web'));
      await ctx.store.savePartition(aPartition(first.syncId, 'octo/api'));
      await ctx.store.savePartition(aPartition(other.syncId, 'PELOTON', { kind: 'customer' }));
      const done = aPartition(first.syncId, 'octo/web', {
        status: 'failed',
        records: { synced: 40, failed: 2, skipped: 1, pending: 57 },
        batchesTotal: 1,
        batchesFailed: 1,
        finishedAt: isoAt(8),
        durationMs: 179_000.25,
        errorCategory: 'PERMISSION_DENIED',
        errorMessage: 'Resource not accessible by integration',
      });
      await ctx.store.savePartition(done);

      expect(await ctx.store.listPartitions(first.syncId)).toEqual([aPartition(first.syncId, 'octo/api'), done]);
      expect(await ctx.store.listPartitions(other.syncId)).toEqual([aPartition(other.syncId, 'PELOTON', { kind: 'customer' })]);
    });

    it('rejects a partition of an unknown run as CONFLICT', async () => {
      await expectSyncError(ctx.store.savePartition(aPartition(first.syncId, 'octo/api')), 'CONFLICT');
    });
  });
}
