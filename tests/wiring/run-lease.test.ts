import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/sync-error.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { HeldRunLease, holderIsDeadLocally } from '../../src/wiring/run-lease.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SYNC = '202612021600-SYNC-1EA5E001';

describe('run lease (one process per sync)', () => {
  it('refuses a second holder naming the owner, and hands the lease on once released', async () => {
    const store = new InMemoryRunStore();
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 16));
    const first = await HeldRunLease.acquire(store, SYNC, clock);
    expect(first.owner).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{8}$`));
    const second = HeldRunLease.acquire(store, SYNC, clock);
    await expect(second).rejects.toBeInstanceOf(UsageError);
    await expect(HeldRunLease.acquire(store, SYNC, clock)).rejects.toThrow(`lease owner ${first.owner}`);
    await first.release();
    await (await HeldRunLease.acquire(store, SYNC, clock)).release();
  });

  it('takes over at once from a dead local pid, and after 30 s from a silent remote one', async () => {
    const store = new InMemoryRunStore();
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 16));
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(holderIsDeadLocally(`${hostname()}:${gone}:deadbeef`)).toBe(true);
    expect(holderIsDeadLocally(`${hostname()}:${process.pid}:deadbeef`)).toBe(false);
    const now = new Date(clock.now()).toISOString();
    await store.acquireLease({ syncId: SYNC, owner: `${hostname()}:${gone}:deadbeef`, now, staleBefore: now });
    const taken = await HeldRunLease.acquire(store, SYNC, clock);
    await taken.release();

    await store.acquireLease({ syncId: SYNC, owner: 'elsewhere:42:cafecafe', now, staleBefore: now });
    await expect(HeldRunLease.acquire(store, SYNC, clock)).rejects.toThrow(/elsewhere:42:cafecafe/);
    clock.time += 31_000;
    await (await HeldRunLease.acquire(store, SYNC, clock)).release();
  });
});
