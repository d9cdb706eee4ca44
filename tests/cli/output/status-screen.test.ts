import { describe, expect, it } from 'vitest';
import { renderStatusScreen } from '../../../src/cli/output/status-screen.js';
import { buildRunStatus } from '../../../src/reports/run-status.js';
import { InMemoryRunStore } from '../../../src/store/memory/in-memory-run-store.js';
import { aRun, isoAt } from '../../contract/run-store.fixtures.js';

const S = '202611231405-SYNC-7AC96AF9';

describe('syncscope status: the rate-limit lines', () => {
  it('shows a reported budget, a hold with its end and reason, and a budget the API never reported', async () => {
    const store = new InMemoryRunStore();
    await store.createRun(aRun({ syncId: S, startedAt: isoAt(0) }));
    await store.saveRateLimits([
      { syncId: S, connector: 'github', resource: 'core', limit: 5000, remaining: 1250, resetAt: isoAt(30), observedAt: isoAt(10) },
      // Refused (a secondary limit) before any response reported the search budget.
      { syncId: S, connector: 'github', resource: 'search', limit: 0, remaining: 0, resetAt: isoAt(12), observedAt: isoAt(10), heldUntil: isoAt(12), holdReason: 'secondary' },
    ]);
    const view = await buildRunStatus(store, S, { now: () => Date.parse(isoAt(11)) });
    const lines = renderStatusScreen(view!).split('\n').filter((line) => line.includes('Rate limit'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('github/core 1,250/5,000 left (75% used)');
    expect(lines[0]).not.toContain('held');
    expect(lines[1]).toContain('github/search budget not reported yet · held until 2026-11-23 14:12:00 UTC (secondary)');
  });
});
