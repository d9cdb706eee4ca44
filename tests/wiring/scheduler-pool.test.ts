import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import type { WaitNotice } from '../../src/ports/request-scheduler.js';
import { SchedulerPool, type TokenHold } from '../../src/wiring/scheduler-pool.js';
import { FakeClock } from '../helpers/fake-clock.js';

const api = parsePipelineConfig({
  pipeline: { name: 'p' },
  source: { type: 'github', org: 'octo' },
  destination: { type: 'sqlite' },
  api: { max_concurrent_per_token: 2 },
}).api;

const key = (tokenId: string) => ({ tokenId, resource: 'core', endpoint: 'GET /repos/{owner}/{repo}/pulls' });

describe('SchedulerPool: one budget per token for the whole process', () => {
  it('caps requests in flight per token across every run using it', async () => {
    const pool = new SchedulerPool();
    const clock = new FakeClock();
    const a = pool.forRun('token-1', api, clock, { onWait: () => {} });
    const b = pool.forRun('token-1', api, clock, { onWait: () => {} });
    const other = pool.forRun('token-2', api, clock, { onWait: () => {} });
    const releaseA = await a.acquire(key('token-1'));
    const releaseB = await b.acquire(key('token-1'));
    expect(a.inFlight('token-1')).toBe(2);
    let third = false;
    const pending = a.acquire(key('token-1')).then((release) => {
      third = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(false);
    // Another token is not held back by this one.
    const releaseOther = await other.acquire(key('token-2'));
    releaseB();
    (await pending)();
    expect(third).toBe(true);
    releaseA();
    releaseOther();
    expect(pool.tokens()).toEqual(['token-1', 'token-2']);
  });

  it('spends one budget: a run sees what another run\'s responses reported, and each run hears only its own waits', async () => {
    const pool = new SchedulerPool();
    const clock = new FakeClock();
    const waitsA: WaitNotice[] = [];
    const waitsB: WaitNotice[] = [];
    const observedB: number[] = [];
    const a = pool.forRun('token-1', api, clock, { onWait: (n) => waitsA.push(n) });
    const b = pool.forRun('token-1', api, clock, { onWait: (n) => waitsB.push(n), onObserve: (o) => observedB.push(o.remaining) });
    // Run A's response says the budget is spent until a reset one minute away.
    a.observe('token-1', { resource: 'core', limit: 5000, remaining: 0, resetAtMs: clock.now() + 60_000 });
    const release = await b.acquire(key('token-1'));
    release();
    expect(waitsB).toHaveLength(1);
    expect(waitsB[0]).toMatchObject({ reason: 'primary' });
    expect(waitsB[0]!.waitMs).toBeGreaterThanOrEqual(60_000);
    expect(waitsA).toEqual([]);
    expect(observedB).toEqual([]);
    b.observe('token-1', { resource: 'core', limit: 5000, remaining: 4999, resetAtMs: clock.now() + 3_600_000 });
    expect(observedB).toEqual([4999]);
  });

  it('tells the run whose request blocked the token of the hold, and holds every run of the token', async () => {
    const pool = new SchedulerPool();
    const clock = new FakeClock();
    const holdsA: TokenHold[] = [];
    const holdsB: TokenHold[] = [];
    const waitsB: WaitNotice[] = [];
    const a = pool.forRun('token-1', api, clock, { onWait: () => {}, onHold: (h) => holdsA.push(h) });
    const b = pool.forRun('token-1', api, clock, { onWait: (n) => waitsB.push(n), onHold: (h) => holdsB.push(h) });
    a.block(key('token-1'), clock.now() + 20_000, 'retry_after');
    expect(holdsA).toEqual([{ key: key('token-1'), untilMs: clock.now() + 20_000, reason: 'retry_after' }]);
    expect(holdsB).toEqual([]);
    (await b.acquire(key('token-1')))();
    expect(waitsB).toEqual([{ key: key('token-1'), reason: 'retry_after', waitMs: 20_000 }]);
  });

  it('a shared budget is not paced by the process: the process scheduler it wraps lets a low budget go at once', async () => {
    const clock = new FakeClock();
    const paced = (pool: SchedulerPool) => {
      const waits: WaitNotice[] = [];
      const run = pool.forRun('token-1', { ...api, pace_below_share: 0.5 }, clock, { onWait: (n) => waits.push(n) });
      // 10 of 100 left until a reset a minute away: below the pacing share.
      run.observe('token-1', { resource: 'core', limit: 100, remaining: 10, resetAtMs: clock.now() + 60_000 });
      return { run, waits };
    };
    // Alone, the process paces: the second request waits for its turn.
    const alone = paced(new SchedulerPool());
    (await alone.run.acquire(key('token-1')))();
    (await alone.run.acquire(key('token-1')))();
    expect(alone.waits.map((w) => w.reason)).toEqual(['pacing']);
    // Wrapped (as by the Redis scheduler, which paces the shared budget), the process does not.
    const shared = paced(new SchedulerPool((local) => local));
    (await shared.run.acquire(key('token-1')))();
    (await shared.run.acquire(key('token-1')))();
    expect(shared.waits).toEqual([]);
  });
});
