import { describe, expect, it } from 'vitest';
import type { RateLimitRow } from '../../src/ports/run-store.js';
import { buildRunStatus } from '../../src/reports/run-status.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { aRun, isoAt } from '../contract/run-store.fixtures.js';

const S = '202611231405-SYNC-7AC96AF9';

function aBudget(resource: string, overrides: Partial<RateLimitRow> = {}): RateLimitRow {
  return { syncId: S, connector: 'github', resource, limit: 5000, remaining: 0, resetAt: isoAt(30), observedAt: isoAt(10), ...overrides };
}

async function statusAt(nowIso: string, run: Parameters<typeof aRun>[0], budgets: RateLimitRow[]) {
  const store = new InMemoryRunStore();
  await store.createRun(aRun(run));
  await store.saveRateLimits(budgets);
  const view = await buildRunStatus(store, S, { now: () => Date.parse(nowIso) });
  return view!.rate_limits;
}

describe('the status view of rate limits', () => {
  it('shows a hold that lasts past now, with its reason, and no hold that has ended', async () => {
    const limits = await statusAt(isoAt(11), { syncId: S, startedAt: isoAt(0) }, [
      aBudget('core', { heldUntil: isoAt(12, 30), holdReason: 'retry_after' }),
      aBudget('graphql', { heldUntil: isoAt(10, 30), holdReason: 'secondary' }),
      aBudget('search', { remaining: 25, limit: 30 }),
      // Stored by an older writer, with no reason: a Retry-After, as the resume reads it too.
      aBudget('code_search', { heldUntil: isoAt(12) }),
    ]);
    // In the store's order (by resource).
    expect(limits.map((l) => [l.resource, l.held_until, l.hold_reason])).toEqual([
      ['code_search', isoAt(12), 'retry_after'],
      ['core', isoAt(12, 30), 'retry_after'],
      ['graphql', null, null],
      ['search', null, null],
    ]);
    expect(limits.find((l) => l.resource === 'search')).toMatchObject({ used_percent: 16.7, reset_at: isoAt(30), observed_at: isoAt(10) });
  });

  it("shows an interrupted run's hold, which its resume will wait out", async () => {
    const limits = await statusAt(isoAt(11), { syncId: S, startedAt: isoAt(0), status: 'interrupted', finishedAt: isoAt(10, 40), durationMs: 640_000 }, [
      aBudget('core', { heldUntil: isoAt(12, 30), holdReason: 'primary' }),
    ]);
    expect(limits).toEqual([expect.objectContaining({ resource: 'core', held_until: isoAt(12, 30), hold_reason: 'primary' })]);
  });
});
