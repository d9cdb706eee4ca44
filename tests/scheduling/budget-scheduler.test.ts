import { describe, expect, it } from 'vitest';
import { BudgetScheduler, decideWait } from '../../src/scheduling/budget-scheduler.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

const key = { tokenId: 't1', resource: 'core' };
const budget = (over: Partial<Parameters<typeof decideWait>[0] & object> = {}) => ({
  limit: 100,
  remaining: 50,
  resetAtMs: 10_000,
  inFlight: 0,
  nextStartMs: 0,
  ...over,
});

describe('decideWait (pure)', () => {
  it('lets a request through with budget left and no pacing hold', () => {
    expect(decideWait(budget(), 0, 'retry_after', 1000, 0)).toEqual({ waitMs: 0 });
  });
  it('holds everything while the token is blocked, with the block reason', () => {
    expect(decideWait(budget(), 5000, 'secondary', 1000, 0)).toEqual({ waitMs: 4000, reason: 'secondary' });
  });
  it('waits for the reset (plus margin) when remaining minus in-flight is spent', () => {
    expect(decideWait(budget({ remaining: 3, inFlight: 3 }), 0, 'retry_after', 1000, 250)).toEqual({ waitMs: 9250, reason: 'primary' });
  });
  it('paces when the next paced start is ahead', () => {
    expect(decideWait(budget({ nextStartMs: 1200 }), 0, 'retry_after', 1000, 0)).toEqual({ waitMs: 200, reason: 'pacing' });
  });
  it('does not pace or hold an unknown budget', () => {
    expect(decideWait(undefined, 0, 'retry_after', 1000, 0)).toEqual({ waitMs: 0 });
  });
});

describe('BudgetScheduler', () => {
  it('spreads the remaining budget evenly until the reset', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 1, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 10, resetAtMs: 10_000 });
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const release = await scheduler.acquire(key);
      starts.push(clock.now());
      scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 9 - i, resetAtMs: 10_000 });
      release();
    }
    expect(starts[0]).toBe(0);
    expect(starts[9]).toBeLessThan(10_000);
    // Evenly spread: one start per second.
    expect(starts.map((t) => Math.round(t / 100) * 100)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    expect(waits.every((w) => w.reason === 'pacing')).toBe(true);
  });

  it('never starts more requests than the budget has left, then waits for the reset', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 10, resetMarginMs: 100, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'core', limit: 5, remaining: 2, resetAtMs: 60_000 });
    const r1 = await scheduler.acquire(key);
    clock.time = 30_000; // past the pacing slot
    const r2 = await scheduler.acquire(key);
    // Two in flight, budget 2: a third must wait for the window to reset.
    const third = scheduler.acquire(key);
    await third;
    expect(waits.some((w) => w.reason === 'primary' && w.waitMs === 30_100)).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(60_100);
    r1();
    r2();
  });

  it('caps concurrent requests per token (1 = strictly sequential)', async () => {
    const clock = new FakeClock(0);
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 1, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock });
    const first = await scheduler.acquire(key);
    let secondStarted = false;
    const second = scheduler.acquire(key).then((release) => {
      secondStarted = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(secondStarted).toBe(false);
    expect(scheduler.inFlight('t1')).toBe(1);
    first();
    (await second)();
    expect(secondStarted).toBe(true);
    expect(scheduler.inFlight('t1')).toBe(0);
  });

  it('blocks the whole token on Retry-After / secondary limits', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 5, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.block(key, 3000, 'secondary');
    (await scheduler.acquire({ tokenId: 't1', resource: 'search' }))();
    expect(waits).toEqual([{ key: { tokenId: 't1', resource: 'search' }, reason: 'secondary', waitMs: 3000 }]);
  });

  it('keeps the lowest remaining of out-of-order responses in one window', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 5, resetMarginMs: 0, paceBelowShare: 1, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 0, resetAtMs: 5000 });
    scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 4, resetAtMs: 5000 });
    (await scheduler.acquire(key))();
    expect(waits).toEqual([{ key, reason: 'primary', waitMs: 5000 }]);
  });

  it('bursts while the budget is healthy and paces only in the reserve zone', async () => {
    const clock = new FakeClock(0);
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 1, resetMarginMs: 0, paceBelowShare: 0.5, maxPerEndpointPerMinute: 1000, clock });
    scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 10, resetAtMs: 10_000 });
    const starts: number[] = [];
    for (let i = 0; i < 8; i++) {
      (await scheduler.acquire(key))();
      starts.push(clock.now());
      scheduler.observe('t1', { resource: 'core', limit: 10, remaining: 9 - i, resetAtMs: 10_000 });
    }
    // Remaining 10..6 is above half the budget: no holds. At 5 and below, starts are spread out.
    expect(starts.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(starts[6]).toBeGreaterThan(0);
    expect(starts[7]!).toBeGreaterThan(starts[6]!);
  });

  it('keeps each endpoint under its per-minute cap (GitHub secondary limit)', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 5, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 3, clock, onWait: (n) => waits.push(n) });
    const pulls = { ...key, endpoint: 'GET /repos/{owner}/{repo}/pulls' };
    for (let i = 0; i < 3; i++) (await scheduler.acquire(pulls))();
    (await scheduler.acquire({ ...key, endpoint: 'GET /orgs/{org}/repos' }))();
    expect(clock.now()).toBe(0);
    (await scheduler.acquire(pulls))();
    expect(clock.now()).toBe(60_000);
    expect(waits).toEqual([{ key: pulls, reason: 'secondary', waitMs: 60_000 }]);
  });
});
