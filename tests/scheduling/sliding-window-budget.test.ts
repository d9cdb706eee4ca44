import { describe, expect, it } from 'vitest';
import { BudgetScheduler, decideWait } from '../../src/scheduling/budget-scheduler.js';
import { SlidingWindowBudget } from '../../src/scheduling/sliding-window-budget.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('SlidingWindowBudget (pure)', () => {
  it('counts spends for the window plus margin, then frees them', () => {
    const b = new SlidingWindowBudget(100, 60_000, 250);
    b.record(0, 60);
    b.record(10_000, 30);
    expect(b.used(60_000)).toBe(90);
    expect(b.used(60_250)).toBe(30);
    expect(b.used(70_250)).toBe(0);
  });

  it('waits exactly until enough older spends leave the window', () => {
    const b = new SlidingWindowBudget(100, 60_000, 0);
    b.record(0, 60);
    b.record(10_000, 30);
    expect(b.waitMs(5_000, 10)).toBe(0);
    // 40 more needs the first spend (60) gone: at 60,001.
    expect(b.waitMs(20_000, 40)).toBe(40_001);
    // 80 more needs both gone.
    expect(b.waitMs(20_000, 80)).toBe(50_001);
    // More than the whole budget waits for an empty window, then goes (for the provider to refuse), never forever.
    expect(b.waitMs(20_000, 500)).toBe(50_001);
    expect(b.waitMs(70_001, 500)).toBe(0);
  });

  it('counts a settled spend from its answer, however late that came', () => {
    const b = new SlidingWindowBudget(100, 1_000, 0);
    const early = b.record(0, 60);
    b.record(100, 30);
    b.settle(early, 400);
    expect(b.waitMs(500, 50)).toBe(901);
    expect(b.used(1_100)).toBe(60);
    expect(b.used(1_400)).toBe(0);
  });

  it('counts what the provider says is gone beyond its own spends, never less', () => {
    const b = new SlidingWindowBudget(1000, 60_000, 0);
    b.record(0, 100);
    b.reconcile(1_000, 600);
    expect(b.used(1_000)).toBe(400);
    b.reconcile(2_000, 900);
    expect(b.used(2_000)).toBe(400);
    expect(b.used(60_500)).toBe(300);
  });

  it('compares a report with its own count when the request started, not when it was answered', () => {
    const b = new SlidingWindowBudget(1000, 1_000, 0);
    b.record(0, 600);
    // Started at 990 (600 still counted), answered at 1,050 (the 600 has left our window since).
    const later = b.record(990, 300);
    b.settle(later, 1_050);
    b.reconcile(990, 100);
    expect(b.used(1_050)).toBe(300);
    // A report that shows less than we counted then: someone else spent 200.
    b.reconcile(1_040, 500);
    expect(b.used(1_050)).toBe(500);
  });
});

describe('BudgetScheduler with cost-weighted, sliding budgets', () => {
  const key = { tokenId: 't1', resource: 'complexity', cost: 40 };

  it('holds a request until its cost fits the window, told as pacing', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 4, resetMarginMs: 100, paceBelowShare: 0.1, maxPerEndpointPerMinute: 10_000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'complexity', limit: 100, remaining: 100, resetAtMs: 0, windowMs: 1_000 });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      (await scheduler.acquire(key))();
      starts.push(clock.now());
    }
    // Two of 40 fit in 100; each later one waits for the oldest to leave (1,000 ms + 100 margin).
    expect(starts).toEqual([0, 0, 1101, 1101, 2202]);
    expect(waits.map((w) => w.reason)).toEqual(['pacing', 'pacing']);
    expect(waits[0]?.key.cost).toBe(40);
  });

  it('takes what others spent on the same token from the reported remaining', async () => {
    const clock = new FakeClock(0);
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 4, resetMarginMs: 0, paceBelowShare: 0.1, maxPerEndpointPerMinute: 10_000, clock });
    scheduler.observe('t1', { resource: 'complexity', limit: 100, remaining: 30, resetAtMs: 0, windowMs: 1_000 });
    (await scheduler.acquire({ ...key, cost: 30 }))();
    expect(clock.now()).toBe(0);
    (await scheduler.acquire({ ...key, cost: 30 }))();
    expect(clock.now()).toBe(1001);
  });

  it('weighs fixed-window budgets by cost too (a GraphQL query of 40 points)', () => {
    const b = { limit: 100, remaining: 50, resetAtMs: 10_000, inFlight: 20, nextStartMs: 0 };
    expect(decideWait(b, 0, 'retry_after', 1000, 0, 1, 30)).toEqual({ waitMs: 0 });
    expect(decideWait(b, 0, 'retry_after', 1000, 0, 1, 31)).toEqual({ waitMs: 9000, reason: 'primary' });
  });
});
