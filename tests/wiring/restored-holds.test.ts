import { describe, expect, it } from 'vitest';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import type { RateLimitRow } from '../../src/ports/run-store.js';
import { BudgetScheduler } from '../../src/scheduling/budget-scheduler.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { restoreHolds } from '../../src/wiring/restored-holds.js';
import { aRun } from '../contract/run-store.fixtures.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SYNC = '202612021900-SYNC-4E5D0E00';
const T0 = 1_700_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();
const row = (resource: string, extra: Partial<RateLimitRow> = {}): RateLimitRow => ({
  syncId: SYNC, connector: 'github', resource, limit: 5000, remaining: 10, resetAt: iso(T0 + 3_600_000), observedAt: iso(T0 - 1000), ...extra,
});

describe('restoreHolds: a resumed run waits out its earlier attempt\'s holds', () => {
  it('puts each stored hold on the token before the first request, which then waits until it ends', async () => {
    const store = new InMemoryRunStore();
    await store.createRun(aRun({ syncId: SYNC, startedAt: iso(T0 - 60_000) }));
    await store.saveRateLimits([row('core', { heldUntil: iso(T0 + 18_500), holdReason: 'retry_after' })]);
    const clock = new FakeClock(T0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 4, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 900, clock, onWait: (n) => waits.push(n) });
    const holds = await restoreHolds({ store, syncId: SYNC, tokenId: 'token-1', scheduler, now: () => clock.now() });
    expect(holds).toEqual([{ connector: 'github', resource: 'core', untilMs: T0 + 18_500, reason: 'retry_after' }]);

    (await scheduler.acquire({ tokenId: 'token-1', resource: 'core' }))();
    expect(waits).toEqual([{ key: { tokenId: 'token-1', resource: 'core' }, reason: 'retry_after', waitMs: 18_500 }]);
    expect(clock.now()).toBe(T0 + 18_500);
  });

  it('puts nothing on when the stored holds have ended', async () => {
    const store = new InMemoryRunStore();
    await store.createRun(aRun({ syncId: SYNC, startedAt: iso(T0 - 60_000) }));
    await store.saveRateLimits([row('core', { heldUntil: iso(T0 - 1), holdReason: 'retry_after' })]);
    const clock = new FakeClock(T0);
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 4, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 900, clock });
    expect(await restoreHolds({ store, syncId: SYNC, tokenId: 'token-1', scheduler, now: () => clock.now() })).toEqual([]);
    (await scheduler.acquire({ tokenId: 'token-1', resource: 'core' }))();
    expect(clock.sleeps).toEqual([]);
  });
});
