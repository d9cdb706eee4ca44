import { describe, expect, it } from 'vitest';
import { aBatch, aRecordState, aRun, anApiCall, isoAt, syncIdAt } from './run-store.fixtures.js';
import type { StoreContext } from './run-store.helpers.js';

/** Aggregates the reports and `show` read without loading bodies or every record. */
export function describeAggregatesContract(ctx: StoreContext): void {
  const run = aRun({ syncId: syncIdAt(9, 'A66A0001'), startedAt: isoAt(9) });
  const other = aRun({ syncId: syncIdAt(10, 'A66A0002'), startedAt: isoAt(10) });
  const sync = run.syncId;

  describe('aggregates', () => {
    it('apiUsage groups calls by connector and resource with calls, errors, cost and time', async () => {
      await ctx.store.createRun(run);
      await ctx.store.createRun(other);
      await ctx.store.recordApiCalls([
        anApiCall(sync, { durationMs: 10, cost: 1 }),
        anApiCall(sync, { durationMs: 20.5, cost: 1, status: 502, errorCategory: 'SERVER_ERROR' }),
        anApiCall(sync, { resource: 'graphql', durationMs: 5, cost: 7 }),
        anApiCall(sync, { connector: 'monday', resource: null, durationMs: 1, cost: null }),
        anApiCall(other.syncId, { durationMs: 99 }),
      ]);
      expect(await ctx.store.apiUsage(sync)).toEqual([
        { connector: 'github', resource: 'core', calls: 2, errors: 1, cost: 2, totalDurationMs: 30.5 },
        { connector: 'github', resource: 'graphql', calls: 1, errors: 0, cost: 7, totalDurationMs: 5 },
        { connector: 'monday', resource: null, calls: 1, errors: 0, cost: 0, totalDurationMs: 1 },
      ]);
      expect(await ctx.store.apiUsage(syncIdAt(11, 'FFFFFFFF'))).toEqual([]);
    });

    it('apiUsageByOperation groups calls by connector, resource and operation, costliest first', async () => {
      await ctx.store.createRun(run);
      await ctx.store.createRun(other);
      await ctx.store.recordApiCalls([
        anApiCall(sync, { resource: 'graphql', operation: 'RepositoryPullRequests', durationMs: 5, cost: 1 }),
        anApiCall(sync, { resource: 'graphql', operation: 'RepositoryPullRequests', durationMs: 7, cost: 2, errorCategory: 'RATE_LIMITED' }),
        anApiCall(sync, { resource: 'graphql', operation: 'OrganizationRepositories', durationMs: 3, cost: 1 }),
        anApiCall(sync, { resource: 'graphql', operation: 'PullRequestReviews', durationMs: 2, cost: 1 }),
        anApiCall(sync, { resource: 'core', operation: 'pulls.list', durationMs: 4, cost: 1 }),
        anApiCall(sync, { connector: 'monday', resource: null, operation: 'boards', durationMs: 1, cost: null }),
        anApiCall(other.syncId, { resource: 'graphql', operation: 'RepositoryPullRequests', cost: 50 }),
      ]);
      expect(await ctx.store.apiUsageByOperation(sync)).toEqual([
        { connector: 'github', resource: 'graphql', operation: 'RepositoryPullRequests', calls: 2, errors: 1, cost: 3, totalDurationMs: 12 },
        { connector: 'github', resource: 'core', operation: 'pulls.list', calls: 1, errors: 0, cost: 1, totalDurationMs: 4 },
        { connector: 'github', resource: 'graphql', operation: 'OrganizationRepositories', calls: 1, errors: 0, cost: 1, totalDurationMs: 3 },
        { connector: 'github', resource: 'graphql', operation: 'PullRequestReviews', calls: 1, errors: 0, cost: 1, totalDurationMs: 2 },
        { connector: 'monday', resource: null, operation: 'boards', calls: 1, errors: 0, cost: 0, totalDurationMs: 1 },
      ]);
      expect(await ctx.store.apiUsageByOperation(syncIdAt(11, 'FFFFFFFF'))).toEqual([]);
    });

    it('failuresByCategory counts failed records per category, most frequent first', async () => {
      await ctx.store.createRun(run);
      const failed = (n: number, category: 'NOT_FOUND' | 'VALIDATION_ERROR') =>
        aRecordState(sync, 'octo/api', n, { status: 'failed', errorCategory: category, errorMessage: 'x', externalId: null });
      await ctx.store.commitBatch({
        batch: aBatch(sync, 'octo/api', 1),
        records: [aRecordState(sync, 'octo/api', 1), failed(2, 'NOT_FOUND'), failed(3, 'VALIDATION_ERROR'), failed(4, 'VALIDATION_ERROR')],
      });
      expect(await ctx.store.failuresByCategory(sync)).toEqual([
        { category: 'VALIDATION_ERROR', count: 2 },
        { category: 'NOT_FOUND', count: 1 },
      ]);
    });
  });
}
