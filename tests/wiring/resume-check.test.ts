import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/sync-error.js';
import type { RunRow } from '../../src/ports/run-store.js';
import { assertSameReadOptions } from '../../src/wiring/resume-check.js';

const run = (options: Record<string, unknown>) => ({ syncId: '202612021500-SYNC-00000001', options }) as RunRow;

describe('resume check (read options)', () => {
  it('accepts the recorded read options and runs recorded before they were kept', () => {
    expect(() => assertSameReadOptions(run({ read: { mode: 'rest', per_page: 10 } }), { mode: 'rest', per_page: 10 })).not.toThrow();
    expect(() => assertSameReadOptions(run({}), { mode: 'rest', per_page: 100 })).not.toThrow();
  });

  it('refuses a differing value as a usage error naming the key and both values', () => {
    const attempt = () => assertSameReadOptions(run({ read: { mode: 'rest', per_page: 10 } }), { mode: 'rest', per_page: 100 });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/read option per_page was 10 .* is 100 now/);
    expect(() => assertSameReadOptions(run({ read: { mode: 'rest' } }), { mode: 'graphql' })).toThrow(/read option mode/);
  });
});
