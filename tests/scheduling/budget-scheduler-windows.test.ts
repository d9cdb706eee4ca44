import { describe, expect, it } from 'vitest';
import { BudgetScheduler, decideWait, endpointWaitMs } from '../../src/scheduling/budget-scheduler.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

const key = { tokenId: 't1', resource: 'core' };

function scheduler(over: { maxConcurrentPerToken?: number; resetMarginMs?: number; paceBelowShare?: number; maxPerEndpointPerMinute?: number } = {}) {
  const clock = new FakeClock(0);
  const waits: WaitNotice[] = [];
  const s = new BudgetScheduler({ maxConcurrentPerToken: 5, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n), ...over });
  return { s, clock, waits };
}

describe('BudgetScheduler across windows, releases and resets', () => {
  it('a report for the next window replaces a spent one; an older window is ignored', async () => {
    const { s, waits } = scheduler();
    s.observe('t1', { resource: 'core', limit: 10, remaining: 0, resetAtMs: 5000 });
    s.observe('t1', { resource: 'core', limit: 10, remaining: 9, resetAtMs: 8000 }); // next window: budget again
    s.observe('t1', { resource: 'core', limit: 10, remaining: 0, resetAtMs: 5000 }); // late answer from the old window
    (await s.acquire(key))();
    expect(waits).toEqual([]);
  });

  it('the limit follows the newest report', async () => {
    const { s, clock, waits } = scheduler({ paceBelowShare: 0.5 });
    s.observe('t1', { resource: 'core', limit: 100, remaining: 40, resetAtMs: 10_000 });
    s.observe('t1', { resource: 'core', limit: 10, remaining: 40, resetAtMs: 10_000 });
    (await s.acquire(key))(); // 40 of limit 10 is above the reserve: no pacing set up
    (await s.acquire(key))();
    expect(waits).toEqual([]);
    expect(clock.now()).toBe(0);
  });

  it('a reset already in the past leaves the budget full, with no wait', async () => {
    const { s, clock, waits } = scheduler({ resetMarginMs: 100 });
    clock.time = 10_000;
    s.observe('t1', { resource: 'core', limit: 10, remaining: 0, resetAtMs: 5000 });
    (await s.acquire(key))();
    (await s.acquire(key))();
    expect(waits).toEqual([]);
  });

  it('a spent budget becomes full once reset + margin has passed (not before)', async () => {
    const { s, clock, waits } = scheduler({ resetMarginMs: 100 });
    s.observe('t1', { resource: 'core', limit: 3, remaining: 0, resetAtMs: 1000 });
    clock.time = 1050;
    (await s.acquire(key))();
    expect(waits).toEqual([{ key, reason: 'primary', waitMs: 50 }]);
    expect(clock.now()).toBe(1100);
  });

  it('a double release frees one slot, not two', async () => {
    const { s } = scheduler({ maxConcurrentPerToken: 2 });
    const a = await s.acquire(key);
    const b = await s.acquire(key);
    a();
    a();
    expect(s.inFlight('t1')).toBe(1);
    b();
    expect(s.inFlight('t1')).toBe(0);
  });

  it('a double release does not give budget back twice', async () => {
    const { s, waits } = scheduler();
    s.observe('t1', { resource: 'core', limit: 10, remaining: 2, resetAtMs: 60_000 });
    const a = await s.acquire(key);
    a();
    a();
    const b = await s.acquire(key);
    const c = await s.acquire(key); // remaining 2, both in flight: a third must wait
    const third = s.acquire(key);
    await third;
    expect(waits.at(-1)).toMatchObject({ reason: 'primary' });
    b();
    c();
  });

  it('a primary block zeroes that resource and blocks the token until the given time', async () => {
    const { s, waits } = scheduler();
    s.observe('t1', { resource: 'core', limit: 10, remaining: 9, resetAtMs: 60_000 });
    s.block(key, 2000, 'primary');
    s.block(key, 1000, 'secondary'); // an earlier block never shortens a later one
    (await s.acquire(key))();
    expect(waits[0]).toEqual({ key, reason: 'primary', waitMs: 2000 });
  });

  it('an unknown token has nothing in flight', () => {
    expect(scheduler().s.inFlight('nobody')).toBe(0);
  });
});

describe('decideWait and endpointWaitMs edges', () => {
  const b = { limit: 10, remaining: 5, resetAtMs: 10_000, inFlight: 0, nextStartMs: 0 };
  it.each([
    ['budget exactly enough for the cost', { ...b, remaining: 2, inFlight: 1 }, 1, { waitMs: 0 }],
    ['budget one short of the cost', { ...b, remaining: 2, inFlight: 1 }, 2, { waitMs: 10_000, reason: 'primary' }],
    ['blocked until exactly now', { ...b }, 1, { waitMs: 0 }],
    ['pacing slot exactly now', { ...b, nextStartMs: 0 }, 1, { waitMs: 0 }],
  ])('%s', (_name, budget, cost, expected) => {
    expect(decideWait(budget, 0, 'retry_after', 0, 0, 1, cost)).toEqual(expected);
  });

  it('no pacing above the reserve share even with a slot ahead', () => {
    expect(decideWait({ ...b, remaining: 9, nextStartMs: 500 }, 0, 'retry_after', 0, 0, 0.5)).toEqual({ waitMs: 0 });
    expect(decideWait({ ...b, remaining: 5, nextStartMs: 500 }, 0, 'retry_after', 0, 0, 0.5)).toEqual({ waitMs: 500, reason: 'pacing' });
  });

  it.each([
    [[], 1, 0],
    [[0], 1, 60_000],
    [[-60_000, 0], 1, 60_000],
    [[1000, 2000], 2, 61_000],
    [[1000, 2000], 3, 0],
  ])('starts %j with max %s per minute → wait %s ms', (starts, max, wait) => {
    expect(endpointWaitMs(starts, 0, max)).toBe(wait);
  });
});
