import { describe, expect, it } from 'vitest';
import type { RateLimitRow } from '../../src/ports/run-store.js';
import { holdsInForce } from '../../src/reports/holds-in-force.js';

const SYNC = '202612021900-SYNC-4E5D0E00';
const T0 = 1_700_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();
const row = (resource: string, extra: Partial<RateLimitRow> = {}): RateLimitRow => ({
  syncId: SYNC, connector: 'github', resource, limit: 5000, remaining: 10, resetAt: iso(T0 + 3_600_000), observedAt: iso(T0 - 1000), ...extra,
});

describe('holdsInForce', () => {
  it('keeps the holds that have not ended, with their reason (retry_after when none was stored)', () => {
    const rows = [
      row('core', { heldUntil: iso(T0 + 18_500), holdReason: 'secondary' }),
      row('graphql', { heldUntil: iso(T0 + 1) }),
      row('search', { heldUntil: iso(T0), holdReason: 'retry_after' }),
      row('code_search'),
    ];
    expect(holdsInForce(rows, T0)).toEqual([
      { connector: 'github', resource: 'core', untilMs: T0 + 18_500, reason: 'secondary' },
      { connector: 'github', resource: 'graphql', untilMs: T0 + 1, reason: 'retry_after' },
    ]);
  });
});
