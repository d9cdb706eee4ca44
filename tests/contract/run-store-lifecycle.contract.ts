import { describe, expect, it } from 'vitest';
import type { RunRow, RunStore } from '../../src/ports/run-store.js';
import {
  ORDERS, aBatch, aPartition, aRecordState, aRun, anApiCall, anAttempt, isoAt, syncIdAt,
} from './run-store.fixtures.js';
import { expectSyncError } from './run-store.helpers.js';
import type { StoreContext } from './run-store.helpers.js';

/** Writes one row of every kind for `run`. */
async function fillRun(store: RunStore, run: RunRow): Promise<void> {
  await store.createRun(run);
  await store.saveAttempt(anAttempt(run.syncId, 1));
  await store.savePartition(aPartition(run.syncId, 'octo/api'));
  await store.commitBatch({
    batch: aBatch(run.syncId, 'octo/api', 1),
    records: [aRecordState(run.syncId, 'octo/api', 1), aRecordState(run.syncId, 'octo/api', 2, { status: 'failed' })],
    checkpoint: { partitionKey: 'octo/api', cursor: 'page=2' },
  });
  await store.recordApiCalls([anApiCall(run.syncId), anApiCall(run.syncId, { errorCategory: 'SERVER_ERROR', status: 502 })]);
}

/** Everything the store holds about a sync, to compare before and after. */
async function snapshot(store: RunStore, syncId: string) {
  return {
    run: await store.getRun(syncId),
    attempts: await store.listAttempts(syncId),
    partitions: await store.listPartitions(syncId),
    batches: await store.listBatches(syncId),
    records: await store.listRecordStates(syncId),
    counts: await store.countRecordStates(syncId),
    calls: await store.listApiCalls(syncId),
    checkpoints: await store.getCheckpoints(syncId),
  };
}

const EMPTY = {
  run: undefined,
  attempts: [],
  partitions: [],
  batches: [],
  records: [],
  counts: { synced: 0, failed: 0, skipped: 0, pending: 0 },
  calls: [],
  checkpoints: new Map(),
};

/** Retention, migrations and closing. */
export function describeLifecycleContract(ctx: StoreContext): void {
  const old1 = aRun({ syncId: syncIdAt(1, 'AAAAAAA1'), startedAt: isoAt(1) });
  const old2 = aRun({ syncId: syncIdAt(2, 'AAAAAAA2'), startedAt: isoAt(2), pipeline: ORDERS });
  const recent = aRun({ syncId: syncIdAt(5, 'AAAAAAA5'), startedAt: isoAt(5) });

  describe('retention', () => {
    it('deletes old runs with every one of their rows and keeps newer runs whole', async () => {
      for (const run of [old2, recent, old1]) await fillRun(ctx.store, run);
      const kept = await snapshot(ctx.store, recent.syncId);
      expect(kept.records).toHaveLength(2);

      expect(await ctx.store.deleteRunsStartedBefore(isoAt(5))).toEqual([old1.syncId, old2.syncId]);

      expect(await snapshot(ctx.store, old1.syncId)).toEqual(EMPTY);
      expect(await snapshot(ctx.store, old2.syncId)).toEqual(EMPTY);
      expect(await snapshot(ctx.store, recent.syncId)).toEqual(kept);
      expect((await ctx.store.listRuns()).map((r) => r.syncId)).toEqual([recent.syncId]);
      expect(await ctx.store.deleteRunsStartedBefore(isoAt(5))).toEqual([]);
    });

    it('lets a deleted sync ID be created again', async () => {
      await fillRun(ctx.store, old1);
      await ctx.store.deleteRunsStartedBefore(isoAt(3));
      await fillRun(ctx.store, old1);
      expect(await ctx.store.countRecordStates(old1.syncId)).toEqual({ synced: 1, failed: 1, skipped: 0, pending: 0 });
    });
  });

  describe('migrations', () => {
    it('treats a second migrate as a no-op that keeps the data', async () => {
      await fillRun(ctx.store, recent);
      const before = await snapshot(ctx.store, recent.syncId);
      await ctx.store.migrate();
      await ctx.store.migrate();
      expect(await snapshot(ctx.store, recent.syncId)).toEqual(before);
    });

    it('migrates again on reopening the same storage and keeps the data', async (test) => {
      const reopen = ctx.fixture.reopen;
      if (reopen === undefined) return test.skip('this adapter has no storage to reopen');
      await fillRun(ctx.store, recent);
      const before = await snapshot(ctx.store, recent.syncId);
      await ctx.store.close();
      const again = await reopen();
      try {
        await again.migrate();
        expect(await snapshot(again, recent.syncId)).toEqual(before);
        await again.createRun(old1);
        expect(await again.listRuns()).toHaveLength(2);
      } finally {
        await again.close();
      }
    });
  });

  describe('close', () => {
    it('closes idempotently and fails later calls with a SyncError', async () => {
      await ctx.store.createRun(recent);
      await ctx.store.close();
      await ctx.store.close();
      await expectSyncError(ctx.store.getRun(recent.syncId), 'INTERNAL');
    });
  });
}
