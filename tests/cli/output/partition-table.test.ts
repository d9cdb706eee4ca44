import { describe, expect, it } from 'vitest';
import { renderPartitionTable } from '../../../src/cli/output/partition-table.js';
import type { PartitionRow } from '../../../src/ports/run-store.js';

function partition(key: string, over: Partial<PartitionRow> = {}): PartitionRow {
  return {
    syncId: 's',
    partitionKey: key,
    kind: 'customer',
    status: 'succeeded',
    records: { synced: 10, failed: 0, skipped: 0, pending: 0 },
    batchesTotal: 1,
    batchesFailed: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: 1500,
    errorCategory: null,
    errorMessage: null,
    recordsExpected: null,
    ...over,
  };
}

/** Body rows of the rendered table (after the heading and the rule), first cell only. */
function firstCells(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .slice(2)
    .filter((l) => !l.trim().startsWith('…'))
    .map((l) => l.trim().split(/\s+/)[0]!);
}

describe('renderPartitionTable', () => {
  it('lists failed partitions first, then partitions with failed records, then by records synced', () => {
    const text = renderPartitionTable([
      partition('SMALL', { records: { synced: 2, failed: 0, skipped: 0, pending: 0 } }),
      partition('BIG', { records: { synced: 50, failed: 0, skipped: 0, pending: 0 } }),
      partition('SOME', { records: { synced: 8, failed: 2, skipped: 0, pending: 0 } }),
      partition('DOWN', { status: 'failed', records: { synced: 0, failed: 10, skipped: 0, pending: 0 }, errorCategory: 'NOT_FOUND', errorMessage: 'GET /boards → 404 Not Found' }),
    ]);
    expect(firstCells(text)).toEqual(['DOWN', 'SOME', 'BIG', 'SMALL']);
    expect(text).toContain('❌ failed');
    expect(text).toContain('NOT_FOUND: GET /boards → 404 Not Found');
    expect(text.split('\n')[1]).toMatch(/^\s+Customer\s+Status\s+Synced\s+Failed\s+Skipped\s+Pending\s+Duration\s+Error$/);
  });

  it('names the column after the partition kind', () => {
    expect(renderPartitionTable([partition('acme/api', { kind: 'repo' })])).toContain('Repository');
    expect(renderPartitionTable([partition('a', { kind: 'repo' }), partition('b')])).toContain('Partition');
  });

  it('caps long runs and says how many more the report holds', () => {
    const many = Array.from({ length: 30 }, (_, i) => partition(`C${String(i).padStart(2, '0')}`));
    const text = renderPartitionTable(many, 12);
    expect(firstCells(text)).toHaveLength(12);
    expect(text).toContain('… 18 more in the report');
  });

  it('prints nothing for a run without partitions', () => {
    expect(renderPartitionTable([])).toBe('');
  });
});
