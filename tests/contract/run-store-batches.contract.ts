import { describe, expect, it } from 'vitest';
import type { RecordStateRow } from '../../src/ports/run-store.js';
import { aBatch, aRecordState, aRun, isoAt, syncIdAt } from './run-store.fixtures.js';
import { expectSyncError } from './run-store.helpers.js';
import type { StoreContext } from './run-store.helpers.js';

/** Batch commits: batch rows, record states, checkpoints and their counts. */
export function describeBatchContract(ctx: StoreContext): void {
  const run = aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) });
  const sync = run.syncId;
  const states = (partition: string, from: number, count: number, overrides: Partial<RecordStateRow> = {}) =>
    Array.from({ length: count }, (_, i) => aRecordState(sync, partition, from + i, overrides));

  describe('batches and record states', () => {
    it('commits a batch row, its record states and the checkpoint together', async () => {
      await ctx.store.createRun(run);
      const batch = aBatch(sync, 'octo/api', 1);
      await ctx.store.commitBatch({ batch, records: states('octo/api', 1, 3), checkpoint: { partitionKey: 'octo/api', cursor: 'page=2' } });

      expect(await ctx.store.listBatches(sync)).toEqual([batch]);
      expect(await ctx.store.listRecordStates(sync)).toEqual(states('octo/api', 1, 3));
      expect(await ctx.store.getCheckpoints(sync)).toEqual(new Map([['octo/api', 'page=2']]));
    });

    it('upserts record states by key: a re-commit updates them and adds no rows', async () => {
      await ctx.store.createRun(run);
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/api', 1), records: states('octo/api', 1, 3, { status: 'pending', externalId: null }) });
      const failed = aRecordState(sync, 'octo/api', 2, {
        status: 'failed',
        externalId: null,
        errorCategory: 'VALIDATION_ERROR',
        errorMessage: 'pull request 2 has no number',
        updatedAt: isoAt(7),
      });
      const replay = aBatch(sync, 'octo/api', 1, { attempt: 2, synced: 2, failed: 1, status: 'failure', errorCategory: 'VALIDATION_ERROR', errorMessage: '1 record rejected' });
      await ctx.store.commitBatch({ batch: replay, records: [aRecordState(sync, 'octo/api', 1), failed, aRecordState(sync, 'octo/api', 3)] });

      expect(await ctx.store.listRecordStates(sync)).toEqual([aRecordState(sync, 'octo/api', 1), failed, aRecordState(sync, 'octo/api', 3)]);
      expect(await ctx.store.listBatches(sync)).toEqual([replay]);
      expect(await ctx.store.countRecordStates(sync)).toEqual({ synced: 2, failed: 1, skipped: 0, pending: 0 });
    });

    it('keeps the last state when a commit repeats a record key', async () => {
      await ctx.store.createRun(run);
      const last = aRecordState(sync, 'octo/api', 1, { status: 'skipped', externalId: null });
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/api', 1), records: [aRecordState(sync, 'octo/api', 1), last] });
      expect(await ctx.store.listRecordStates(sync)).toEqual([last]);
    });

    it('commits 1,000 record states at once, some fields shared by all and some not, as given', async () => {
      await ctx.store.createRun(run);
      const many = states('octo/api', 1, 1000).map((state, i) => (i % 97 === 5
        ? { ...state, status: 'failed' as const, externalId: null, errorCategory: 'VALIDATION_ERROR' as const, errorMessage: `bad "title" {x}, \\ n°${i}` }
        : state));
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/api', 1, { records: 1000 }), records: many });
      const byKey = (a: RecordStateRow, b: RecordStateRow) => (a.recordKey < b.recordKey ? -1 : 1);
      expect(await ctx.store.listRecordStates(sync, { limit: 1000 })).toEqual([...many].sort(byKey));
      expect(await ctx.store.countRecordStates(sync)).toEqual({ synced: 989, failed: 11, skipped: 0, pending: 0 });
    });

    it('commits a batch without records or checkpoint', async () => {
      await ctx.store.createRun(run);
      const empty = aBatch(sync, 'octo/web', 1, { records: 0, synced: 0 });
      await ctx.store.commitBatch({ batch: empty, records: [] });
      expect(await ctx.store.listBatches(sync)).toEqual([empty]);
      expect(await ctx.store.getCheckpoints(sync)).toEqual(new Map());
    });

    it('lists batches by partition, then sequence', async () => {
      await ctx.store.createRun(run);
      for (const [partition, sequence] of [['octo/web', 2], ['octo/api', 10], ['octo/web', 1], ['octo/api', 2]] as const) {
        await ctx.store.commitBatch({ batch: aBatch(sync, partition, sequence), records: [] });
      }
      const listed = await ctx.store.listBatches(sync);
      expect(listed.map((b) => b.batchId)).toEqual(['octo/api#2', 'octo/api#10', 'octo/web#1', 'octo/web#2']);
    });

    it('filters record states by status and partition, ordered by key, with a limit', async () => {
      await ctx.store.createRun(run);
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/web', 1), records: states('octo/web', 10, 4) });
      await ctx.store.commitBatch({
        batch: aBatch(sync, 'octo/api', 1),
        records: [...states('octo/api', 10, 3), ...states('octo/api', 20, 2, { status: 'failed', errorCategory: 'CONFLICT', errorMessage: 'duplicate' })],
      });
      const keys = (list: RecordStateRow[]) => list.map((s) => s.recordKey);

      expect(keys(await ctx.store.listRecordStates(sync))).toEqual([
        'octo/api#10', 'octo/api#11', 'octo/api#12', 'octo/api#20', 'octo/api#21',
        'octo/web#10', 'octo/web#11', 'octo/web#12', 'octo/web#13',
      ]);
      expect(keys(await ctx.store.listRecordStates(sync, { status: 'failed' }))).toEqual(['octo/api#20', 'octo/api#21']);
      expect(keys(await ctx.store.listRecordStates(sync, { partitionKey: 'octo/web', limit: 2 }))).toEqual(['octo/web#10', 'octo/web#11']);
      expect(keys(await ctx.store.listRecordStates(sync, { status: 'synced', partitionKey: 'octo/api' }))).toEqual(['octo/api#10', 'octo/api#11', 'octo/api#12']);
      expect(await ctx.store.listRecordStates(sync, { status: 'skipped' })).toEqual([]);
      expect(await ctx.store.listRecordStates(syncIdAt(9, 'DEADBEEF'))).toEqual([]);
    });

    it('counts record states by status, zeros included', async () => {
      await ctx.store.createRun(run);
      expect(await ctx.store.countRecordStates(sync)).toEqual({ synced: 0, failed: 0, skipped: 0, pending: 0 });
      await ctx.store.commitBatch({
        batch: aBatch(sync, 'octo/api', 1, { records: 1500 }),
        records: [...states('octo/api', 0, 1200), ...states('octo/api', 5000, 300, { status: 'pending', externalId: null })],
      });
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/web', 1), records: states('octo/web', 0, 7, { status: 'failed', errorCategory: 'SERVER_ERROR', errorMessage: '502' }) });
      expect(await ctx.store.countRecordStates(sync)).toEqual({ synced: 1200, failed: 7, skipped: 0, pending: 300 });
      expect(await ctx.store.countRecordStates(syncIdAt(9, 'DEADBEEF'))).toEqual({ synced: 0, failed: 0, skipped: 0, pending: 0 });
    });

    it('rolls back the whole commit when a row is rejected', async () => {
      await ctx.store.createRun(run);
      const stray = aRecordState(syncIdAt(9, 'DEADBEEF'), 'octo/api', 2);
      await expectSyncError(
        ctx.store.commitBatch({ batch: aBatch(sync, 'octo/api', 1), records: [aRecordState(sync, 'octo/api', 1), stray], checkpoint: { partitionKey: 'octo/api', cursor: 'page=2' } }),
        'CONFLICT',
      );
      expect(await ctx.store.listBatches(sync)).toEqual([]);
      expect(await ctx.store.listRecordStates(sync)).toEqual([]);
      expect(await ctx.store.getCheckpoints(sync)).toEqual(new Map());
    });
  });

  describe('checkpoints', () => {
    it('advances a cursor per partition and records null once a partition is finished', async () => {
      await ctx.store.createRun(run);
      const commit = (partition: string, sequence: number, cursor: string | null) =>
        ctx.store.commitBatch({ batch: aBatch(sync, partition, sequence), records: [], checkpoint: { partitionKey: partition, cursor } });
      await commit('octo/api', 1, 'Y3Vyc29yOnYyOpK0MjAyNi0xMS0yMw==');
      await commit('octo/web', 1, 'page=2');
      await commit('octo/api', 2, null);
      await ctx.store.commitBatch({ batch: aBatch(sync, 'octo/web', 2), records: [] });

      const checkpoints = await ctx.store.getCheckpoints(sync);
      expect(checkpoints).toEqual(new Map<string, string | null>([['octo/api', null], ['octo/web', 'page=2']]));
      expect(checkpoints.has('octo/api')).toBe(true);
      expect(await ctx.store.getCheckpoints(syncIdAt(9, 'DEADBEEF'))).toEqual(new Map());
    });
  });
}
