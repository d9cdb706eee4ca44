import { expect, it } from 'vitest';
import type { StoreContext } from './run-store.helpers.js';

const SYNC = '202612021600-SYNC-1EA5E000';
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 16, 0, seconds)).toISOString();
const request = (owner: string, nowSeconds: number, extra: { replaceOwner?: string } = {}) => ({
  syncId: SYNC,
  owner,
  now: at(nowSeconds),
  staleBefore: at(nowSeconds - 30),
  ...extra,
});

/** Run leases: one holder per sync, compare-and-swap, stale and dead holders taken over. */
export function describeLeaseContract(ctx: StoreContext): void {
  it('grants a free lease, refuses a live one to another owner, and hands it on once released', async () => {
    const { store } = ctx;
    expect(await store.acquireLease(request('h:1:a', 0))).toEqual({ acquired: true, lease: { syncId: SYNC, owner: 'h:1:a', acquiredAt: at(0), heartbeatAt: at(0) } });
    const refused = await store.acquireLease(request('h:2:b', 10));
    expect(refused.acquired).toBe(false);
    expect(refused.lease.owner).toBe('h:1:a');
    // The holder re-acquiring is fine; a heartbeat of a non-holder changes nothing.
    expect((await store.acquireLease(request('h:1:a', 10))).acquired).toBe(true);
    expect(await store.heartbeatLease(SYNC, 'h:2:b', at(11))).toBe(false);
    await store.releaseLease(SYNC, 'h:2:b');
    expect((await store.getLease(SYNC))?.owner).toBe('h:1:a');
    await store.releaseLease(SYNC, 'h:1:a');
    expect(await store.getLease(SYNC)).toBeUndefined();
    expect((await store.acquireLease(request('h:2:b', 12))).acquired).toBe(true);
  });

  it('a heartbeat keeps the lease; a stale one (or a holder named dead) is taken over', async () => {
    const { store } = ctx;
    await store.acquireLease(request('h:1:a', 0));
    expect(await store.heartbeatLease(SYNC, 'h:1:a', at(25))).toBe(true);
    expect((await store.acquireLease(request('h:2:b', 50))).acquired).toBe(false);
    const late = await store.acquireLease(request('h:2:b', 56));
    expect(late).toEqual({ acquired: true, lease: { syncId: SYNC, owner: 'h:2:b', acquiredAt: at(56), heartbeatAt: at(56) } });
    expect(await store.heartbeatLease(SYNC, 'h:1:a', at(57))).toBe(false);
    expect((await store.acquireLease(request('h:3:c', 58, { replaceOwner: 'h:2:b' }))).acquired).toBe(true);
  });

  it('of two racing owners exactly one wins', async () => {
    const { store } = ctx;
    const outcomes = await Promise.all([store.acquireLease(request('h:1:a', 0)), store.acquireLease(request('h:2:b', 0))]);
    expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    expect(outcomes[0]?.lease.owner).toBe(outcomes[1]?.lease.owner);
  });
}
