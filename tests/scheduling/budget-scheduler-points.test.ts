import { describe, expect, it } from 'vitest';
import { BudgetScheduler, overdrawsRefill } from '../../src/scheduling/budget-scheduler.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

const key = { tokenId: 't1', resource: 'graphql', endpoint: 'POST /graphql' };

describe('overdrawsRefill (pure)', () => {
  it('says a reservation overdraws when it needs more points than are left minus those reserved in flight', () => {
    expect(overdrawsRefill({ remaining: 5, inFlight: 0 }, 5)).toBe(false);
    expect(overdrawsRefill({ remaining: 5, inFlight: 1 }, 5)).toBe(true);
    expect(overdrawsRefill({ remaining: 5, inFlight: 3 }, 2)).toBe(false);
    expect(overdrawsRefill({ remaining: 0, inFlight: 0 }, 1)).toBe(true);
  });
});

describe('BudgetScheduler on points', () => {
  it('reserves a query\'s points and holds one that would overdraw the window until its reset', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 10, resetMarginMs: 50, paceBelowShare: 0, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'graphql', limit: 10, remaining: 7, resetAtMs: 20_000 });
    const r1 = await scheduler.acquire({ ...key, cost: 4 });
    const r2 = await scheduler.acquire({ ...key, cost: 3 });
    expect(clock.now()).toBe(0);
    // 7 points reserved of 7: a 1-point query waits for the reset instead of being refused.
    await scheduler.acquire({ ...key, cost: 1 });
    expect(waits).toEqual([expect.objectContaining({ reason: 'primary', waitMs: 20_050 })]);
    expect(clock.now()).toBe(20_050);
    r1();
    r2();
  });

  it('sends a query that fits exactly without waiting', async () => {
    const clock = new FakeClock(0);
    const waits: WaitNotice[] = [];
    const scheduler = new BudgetScheduler({ maxConcurrentPerToken: 10, resetMarginMs: 0, paceBelowShare: 0, maxPerEndpointPerMinute: 1000, clock, onWait: (n) => waits.push(n) });
    scheduler.observe('t1', { resource: 'graphql', limit: 10, remaining: 3, resetAtMs: 20_000 });
    (await scheduler.acquire({ ...key, cost: 3 }))();
    expect(waits).toEqual([]);
  });
});
