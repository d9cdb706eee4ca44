import { beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../src/ports/run-store.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { RateLimitRecorder } from '../../src/wiring/rate-limit-recorder.js';
import { aRun } from '../contract/run-store.fixtures.js';

const SYNC = '202612021900-SYNC-401DBEEF';
const T0 = Date.UTC(2026, 11, 2, 19, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('RateLimitRecorder: holds are stored at once, observations a few times a second', () => {
  let store: RunStore;
  let now: number;
  let recorder: RateLimitRecorder;
  beforeEach(async () => {
    store = new InMemoryRunStore();
    await store.createRun(aRun({ syncId: SYNC, startedAt: iso(T0) }));
    now = T0;
    // A flush interval no test waits for: what is stored without a flush was written at once.
    recorder = new RateLimitRecorder({ store, syncId: SYNC, connector: () => 'github', now: () => now, flushEveryMs: 3_600_000, onWriteFailed: () => {} });
  });

  it('writes a hold as soon as it is put on, with the budget last seen', async () => {
    recorder.observe({ resource: 'core', limit: 5000, remaining: 4000, resetAtMs: T0 + 3_600_000 });
    expect(await store.listRateLimits(SYNC)).toEqual([]);
    await recorder.hold('core', T0 + 20_000, 'retry_after');
    expect(await store.listRateLimits(SYNC)).toEqual([{
      syncId: SYNC, connector: 'github', resource: 'core', limit: 5000, remaining: 4000,
      resetAt: iso(T0 + 3_600_000), observedAt: iso(T0), heldUntil: iso(T0 + 20_000), holdReason: 'retry_after',
    }]);
  });

  it('stores a hold on a budget no response reported yet, reset at the end of the hold', async () => {
    await recorder.hold('search', T0 + 60_000, 'secondary');
    expect(await store.listRateLimits(SYNC)).toMatchObject([{ resource: 'search', limit: 0, remaining: 0, resetAt: iso(T0 + 60_000), heldUntil: iso(T0 + 60_000), holdReason: 'secondary' }]);
  });

  it('keeps the hold on later observations while it lasts, and drops it once it has ended', async () => {
    await recorder.hold('core', T0 + 20_000, 'retry_after');
    now = T0 + 5_000;
    recorder.observe({ resource: 'core', limit: 5000, remaining: 3999, resetAtMs: T0 + 3_600_000 });
    await recorder.flush();
    expect(await store.listRateLimits(SYNC)).toMatchObject([{ remaining: 3999, heldUntil: iso(T0 + 20_000), holdReason: 'retry_after' }]);
    now = T0 + 21_000;
    recorder.observe({ resource: 'core', limit: 5000, remaining: 3998, resetAtMs: T0 + 3_600_000 });
    await recorder.flush();
    const [row] = await store.listRateLimits(SYNC);
    expect(row?.remaining).toBe(3998);
    expect(row?.heldUntil).toBeUndefined();
  });

  it('does not shorten a longer hold, and pacing is no hold', async () => {
    await recorder.hold('core', T0 + 20_000, 'secondary');
    await recorder.hold('core', T0 + 2_000, 'retry_after');
    await recorder.hold('core', T0 + 90_000, 'pacing');
    expect(await store.listRateLimits(SYNC)).toMatchObject([{ heldUntil: iso(T0 + 20_000), holdReason: 'secondary' }]);
  });
});
