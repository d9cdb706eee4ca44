import { describe, expect, it } from 'vitest';
import type { DestinationChangeRow } from '../../src/ports/run-store.js';
import { ORDERS, aBatch, aRecordState, aRun, anApiCall, isoAt, syncIdAt } from './run-store.fixtures.js';
import type { StoreContext } from './run-store.helpers.js';

/** Destination changes (migration 4) and per-partition quota: what an orders run's reports count. */
export function describeChangesContract(ctx: StoreContext): void {
  const run = aRun({ syncId: syncIdAt(20, 'C4A9E001'), startedAt: isoAt(20), pipeline: ORDERS });
  const sync = run.syncId;
  const change = (kind: string, name: string, overrides: Partial<DestinationChangeRow> = {}): DestinationChangeRow => ({
    syncId: sync,
    partitionKey: 'PELOTON',
    kind,
    name,
    externalId: `id-${name}`,
    action: 'created',
    batchId: 'PELOTON#1',
    recordedAt: isoAt(21),
    ...overrides,
  });

  describe('destination changes', () => {
    it('are committed with their batch and listed by kind then name, scopes kept', async () => {
      await ctx.store.createRun(run);
      const group = change('group', 'PELOTON SS26', { externalId: 'new_group1', scope: { customer: 'PELOTON', season: 'SS26' } });
      const items = [change('item', 'ORD-2'), change('item', 'ORD-1', { action: 'updated' })];
      await ctx.store.commitBatch({ batch: aBatch(sync, 'PELOTON', 1), records: [aRecordState(sync, 'PELOTON', 1)], changes: [group, ...items] });
      expect(await ctx.store.listDestinationChanges(sync)).toEqual([group, items[1], items[0]]);
      expect(await ctx.store.listDestinationChanges(sync, { kind: 'item', action: 'created' })).toEqual([items[0]]);
      expect(await ctx.store.listDestinationChanges(sync, { partitionKey: 'ROGUE' })).toEqual([]);
      expect(await ctx.store.listDestinationChanges(sync, { kind: 'item', limit: 1 })).toEqual([items[1]]);
    });

    it('keep the strongest action and the last known ID when a replayed batch reports them again', async () => {
      await ctx.store.createRun(run);
      await ctx.store.commitBatch({ batch: aBatch(sync, 'PELOTON', 1), records: [], changes: [change('group', 'G', { externalId: 'g1' }), change('item', 'A', { action: 'found' })] });
      await ctx.store.commitBatch({
        batch: aBatch(sync, 'PELOTON', 2),
        records: [],
        changes: [change('group', 'G', { action: 'found', externalId: null, batchId: 'PELOTON#2' }), change('item', 'A', { action: 'updated', batchId: 'PELOTON#2' })],
      });
      const rows = await ctx.store.listDestinationChanges(sync);
      expect(rows.map((r) => [r.kind, r.name, r.action, r.externalId, r.batchId])).toEqual([
        ['group', 'G', 'created', 'g1', 'PELOTON#2'],
        ['item', 'A', 'updated', 'id-A', 'PELOTON#2'],
      ]);
    });

    it('are counted per partition, kind and action, and deleted with their run', async () => {
      await ctx.store.createRun(run);
      await ctx.store.commitBatch({
        batch: aBatch(sync, 'PELOTON', 1),
        records: [],
        changes: [change('item', 'A'), change('item', 'B'), change('item', 'C', { action: 'updated' }), change('label', 'status: CANCELLED', { partitionKey: 'ROGUE' })],
      });
      expect(await ctx.store.countDestinationChanges(sync)).toEqual([
        { partitionKey: 'PELOTON', kind: 'item', action: 'created', count: 2 },
        { partitionKey: 'PELOTON', kind: 'item', action: 'updated', count: 1 },
        { partitionKey: 'ROGUE', kind: 'label', action: 'created', count: 1 },
      ]);
      expect(await ctx.store.deleteRunsStartedBefore(isoAt(59))).toEqual([sync]);
      expect(await ctx.store.countDestinationChanges(sync)).toEqual([]);
    });
  });

  describe('apiUsageByPartition', () => {
    it('groups calls per partition, connector and resource, calls outside partitions last', async () => {
      await ctx.store.createRun(run);
      await ctx.store.recordApiCalls([
        anApiCall(sync, { partitionKey: 'ROGUE', connector: 'monday', resource: 'complexity', cost: 250_000, durationMs: 10 }),
        anApiCall(sync, { partitionKey: 'PELOTON', connector: 'monday', resource: 'complexity', cost: 10_000, durationMs: 4, errorCategory: 'RATE_LIMITED' }),
        anApiCall(sync, { partitionKey: 'PELOTON', connector: 'monday', resource: 'complexity', cost: 30_000, durationMs: 6 }),
        anApiCall(sync, { partitionKey: null, connector: 'monday', resource: 'complexity', cost: 1_200, durationMs: 2 }),
      ]);
      expect(await ctx.store.apiUsageByPartition(sync)).toEqual([
        { partitionKey: 'PELOTON', connector: 'monday', resource: 'complexity', calls: 2, errors: 1, cost: 40_000, totalDurationMs: 10 },
        { partitionKey: 'ROGUE', connector: 'monday', resource: 'complexity', calls: 1, errors: 0, cost: 250_000, totalDurationMs: 10 },
        { partitionKey: null, connector: 'monday', resource: 'complexity', calls: 1, errors: 0, cost: 1_200, totalDurationMs: 2 },
      ]);
    });
  });
}
