import { describe, expect, it } from 'vitest';
import type { RateLimitRow, RunRow } from '../../src/ports/run-store.js';
import { aBatch, aPartition, aRecordState, aRun, isoAt, syncIdAt } from './run-store.fixtures.js';
import type { StoreContext } from './run-store.helpers.js';

/** What the service relies on: organizations, keyset pages, cancel requests, estimates, rate-limit states. */
export function describeServiceContract(ctx: StoreContext): void {
  const run = aRun({ syncId: syncIdAt(5, '7AC96AF9'), startedAt: isoAt(5) });
  const request = { requestedAt: isoAt(6), requestedBy: 'token:acme-ops' };

  describe('organizations and keyset pages', () => {
    it('stores the organization of a run and filters by it', async () => {
      await ctx.store.createRun(aRun({ syncId: syncIdAt(1, 'AAAAAAA1'), startedAt: isoAt(1), organization: 'acme' }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(2, 'AAAAAAA2'), startedAt: isoAt(2), organization: 'globex' }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(3, 'AAAAAAA3'), startedAt: isoAt(3), organization: 'acme' }));
      expect((await ctx.store.getRun(syncIdAt(2, 'AAAAAAA2')))?.organization).toBe('globex');
      const acme = await ctx.store.listRuns({ organization: 'acme' });
      expect(acme.map((r) => r.syncId)).toEqual([syncIdAt(3, 'AAAAAAA3'), syncIdAt(1, 'AAAAAAA1')]);
      expect(await ctx.store.listRuns({ organization: 'initech' })).toEqual([]);
    });

    it('keeps the organization on update', async () => {
      await ctx.store.createRun({ ...run, organization: 'acme' });
      await ctx.store.updateRun({ ...run, organization: 'globex', status: 'succeeded' });
      expect((await ctx.store.getRun(run.syncId))?.organization).toBe('acme');
    });

    it('pages through runs after a cursor without gaps or repeats while newer runs are added', async () => {
      // Two runs share a start instant: the sync ID breaks the tie, so the cursor must use both.
      const ids = ['AAAAAAA1', 'AAAAAAA2', 'BBBBBBB1', 'BBBBBBB2', 'CCCCCCC1'];
      for (const [i, hex] of ids.entries()) {
        await ctx.store.createRun(aRun({ syncId: syncIdAt(10 + Math.floor(i / 2), hex), startedAt: isoAt(10 + Math.floor(i / 2)) }));
      }
      const seen: string[] = [];
      let after: RunRow | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = await ctx.store.listRuns({ limit: 2, ...(after ? { after: { startedAt: after.startedAt, syncId: after.syncId } } : {}) });
        seen.push(...rows.map((r) => r.syncId));
        // Newer runs arrive between pages; they sort before the cursor and never show up here.
        await ctx.store.createRun(aRun({ syncId: syncIdAt(40 + page, `DDDDDDD${page}`), startedAt: isoAt(40 + page) }));
        after = rows.at(-1);
        if (rows.length < 2) break;
      }
      expect(seen).toEqual([
        syncIdAt(12, 'CCCCCCC1'), syncIdAt(11, 'BBBBBBB2'), syncIdAt(11, 'BBBBBBB1'), syncIdAt(10, 'AAAAAAA2'), syncIdAt(10, 'AAAAAAA1'),
      ]);
    });

    it('combines the cursor with the other filters', async () => {
      await ctx.store.createRun(aRun({ syncId: syncIdAt(1, 'AAAAAAA1'), startedAt: isoAt(1), status: 'failed', organization: 'acme' }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(2, 'AAAAAAA2'), startedAt: isoAt(2), status: 'succeeded', organization: 'acme' }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(3, 'AAAAAAA3'), startedAt: isoAt(3), status: 'failed', organization: 'acme' }));
      await ctx.store.createRun(aRun({ syncId: syncIdAt(4, 'AAAAAAA4'), startedAt: isoAt(4), status: 'failed', organization: 'globex' }));
      const rows = await ctx.store.listRuns({ organization: 'acme', status: 'failed', after: { startedAt: isoAt(3), syncId: syncIdAt(3, 'AAAAAAA3') } });
      expect(rows.map((r) => r.syncId)).toEqual([syncIdAt(1, 'AAAAAAA1')]);
    });
  });

  describe('cancel requests', () => {
    it('records a request on a running run, once, and keeps the first', async () => {
      await ctx.store.createRun(run);
      expect(await ctx.store.getCancelRequest(run.syncId)).toBeNull();
      expect(await ctx.store.requestCancel(run.syncId, request)).toEqual({ result: 'requested', request });
      expect(await ctx.store.getCancelRequest(run.syncId)).toEqual(request);
      const again = await ctx.store.requestCancel(run.syncId, { requestedAt: isoAt(7), requestedBy: 'token:other' });
      expect(again).toEqual({ result: 'already_requested', request });
      expect((await ctx.store.getRun(run.syncId))?.cancelRequest).toEqual(request);
    });

    it('is not overwritten by the running process updating the run', async () => {
      await ctx.store.createRun(run);
      await ctx.store.requestCancel(run.syncId, request);
      await ctx.store.updateRun({ ...run, records: { synced: 5, failed: 0, skipped: 0, pending: 0 }, cancelRequest: null });
      expect(await ctx.store.getCancelRequest(run.syncId)).toEqual(request);
    });

    it('refuses a run that is not running, and an unknown one', async () => {
      await ctx.store.createRun({ ...run, status: 'succeeded' });
      expect(await ctx.store.requestCancel(run.syncId, request)).toEqual({ result: 'not_running', status: 'succeeded' });
      expect(await ctx.store.getCancelRequest(run.syncId)).toBeNull();
      expect(await ctx.store.requestCancel(syncIdAt(9, 'DEADBEEF'), request)).toEqual({ result: 'not_found' });
      expect(await ctx.store.getCancelRequest(syncIdAt(9, 'DEADBEEF'))).toBeNull();
    });

    it('clears a request when the run resumes', async () => {
      await ctx.store.createRun(run);
      await ctx.store.requestCancel(run.syncId, request);
      await ctx.store.updateRun({ ...run, status: 'cancelled' });
      await ctx.store.clearCancelRequest(run.syncId);
      expect(await ctx.store.getCancelRequest(run.syncId)).toBeNull();
      await ctx.store.updateRun({ ...run, status: 'running' });
      expect((await ctx.store.requestCancel(run.syncId, request)).result).toBe('requested');
    });

    it('lets only one of many concurrent requests win', async () => {
      await ctx.store.createRun(run);
      const outcomes = await Promise.all(
        [1, 2, 3, 4].map((n) => ctx.store.requestCancel(run.syncId, { requestedAt: isoAt(6, n), requestedBy: `token:${n}` })),
      );
      expect(outcomes.filter((o) => o.result === 'requested')).toHaveLength(1);
      expect(outcomes.filter((o) => o.result === 'already_requested')).toHaveLength(3);
    });

    it('stores and lists the cancelled status', async () => {
      await ctx.store.createRun({ ...run, status: 'cancelled' });
      expect((await ctx.store.listRuns({ status: 'cancelled' })).map((r) => r.syncId)).toEqual([run.syncId]);
    });
  });

  describe('estimates, request IDs and rate-limit states', () => {
    it('keeps a partition\'s expected record count', async () => {
      await ctx.store.createRun(run);
      await ctx.store.savePartition(aPartition(run.syncId, 'octo/web', { recordsExpected: 1200 }));
      expect((await ctx.store.listPartitions(run.syncId))[0]?.recordsExpected).toBe(1200);
    });

    it('keeps the provider request ID of a failed record and pages failed records by key', async () => {
      await ctx.store.createRun(run);
      const failed = [3, 1, 2].map((n) => aRecordState(run.syncId, 'octo/web', n, {
        status: 'failed', errorCategory: 'SERVER_ERROR', errorMessage: 'HTTP 502', requestId: `C0DE:${n}`,
      }));
      await ctx.store.commitBatch({ batch: aBatch(run.syncId, 'octo/web', 1, { status: 'failure', failed: 3, synced: 0 }), records: failed });
      const first = await ctx.store.listRecordStates(run.syncId, { status: 'failed', limit: 2 });
      expect(first.map((r) => [r.recordKey, r.requestId])).toEqual([['octo/web#1', 'C0DE:1'], ['octo/web#2', 'C0DE:2']]);
      const next = await ctx.store.listRecordStates(run.syncId, { status: 'failed', limit: 2, afterKey: first.at(-1)!.recordKey });
      expect(next.map((r) => r.recordKey)).toEqual(['octo/web#3']);
    });

    it('upserts the latest rate-limit state per connector and resource', async () => {
      await ctx.store.createRun(run);
      const core: RateLimitRow = { syncId: run.syncId, connector: 'github', resource: 'core', limit: 5000, remaining: 4200, resetAt: isoAt(59), observedAt: isoAt(6) };
      const search: RateLimitRow = { ...core, resource: 'search', limit: 30, remaining: 29 };
      await ctx.store.saveRateLimits([core, search]);
      await ctx.store.saveRateLimits([{ ...core, remaining: 4100, observedAt: isoAt(7) }]);
      expect(await ctx.store.listRateLimits(run.syncId)).toEqual([{ ...core, remaining: 4100, observedAt: isoAt(7) }, search]);
      expect(await ctx.store.listRateLimits(syncIdAt(9, 'DEADBEEF'))).toEqual([]);
    });

    it('keeps a rate-limit hold (until, reason) with the state, and a save without one clears it', async () => {
      await ctx.store.createRun(run);
      const core: RateLimitRow = { syncId: run.syncId, connector: 'github', resource: 'core', limit: 5000, remaining: 4200, resetAt: isoAt(59), observedAt: isoAt(6) };
      const held: RateLimitRow = { ...core, heldUntil: isoAt(1, 26, 250), holdReason: 'retry_after' };
      const search: RateLimitRow = { ...core, resource: 'search', heldUntil: isoAt(40), holdReason: 'secondary' };
      await ctx.store.saveRateLimits([held, search]);
      expect(await ctx.store.listRateLimits(run.syncId)).toEqual([held, search]);
      // The recorder writes the whole state each time: a later row without a hold ends it.
      await ctx.store.saveRateLimits([{ ...core, remaining: 4100, observedAt: isoAt(30) }]);
      const [after] = await ctx.store.listRateLimits(run.syncId);
      expect(after).toEqual({ ...core, remaining: 4100, observedAt: isoAt(30) });
      expect(after?.heldUntil).toBeUndefined();
      expect(after?.holdReason).toBeUndefined();
    });

    it('deletes a run\'s rate-limit states with the run', async () => {
      await ctx.store.createRun(run);
      await ctx.store.saveRateLimits([{ syncId: run.syncId, connector: 'github', resource: 'core', limit: 1, remaining: 1, resetAt: isoAt(9), observedAt: isoAt(6) }]);
      expect(await ctx.store.deleteRunsStartedBefore(isoAt(30))).toEqual([run.syncId]);
      expect(await ctx.store.listRateLimits(run.syncId)).toEqual([]);
    });
  });
}
