import { describe, expect, it } from 'vitest';
import { markRank, partitionMark, runStatusMark } from '../../src/reports/status-marks.js';
import type { PartitionStatus, RunStatus } from '../../src/ports/run-store.js';

describe('status marks', () => {
  it.each<[RunStatus, string]>([
    ['succeeded', '✅'], ['partial', '⚠️'], ['failed', '❌'], ['interrupted', '⏸'], ['cancelled', '⏹'], ['running', '⏳'],
  ])('run %s → %s', (status, mark) => {
    expect(runStatusMark(status)).toBe(mark);
  });

  it.each<[PartitionStatus, number, number, string]>([
    ['succeeded', 0, 0, '✅'],
    ['succeeded', 1, 0, '❌'],
    ['succeeded', 0, 1, '❌'],
    ['failed', 0, 0, '❌'],
    ['interrupted', 0, 0, '⏸'],
    ['pending', 0, 0, '⏸'],
    ['running', 0, 0, '⏸'],
    ['interrupted', 2, 0, '❌'],
  ])('partition %s with %s failed records, %s failed batches → %s', (status, recordsFailed, batchesFailed, mark) => {
    expect(partitionMark({ status, recordsFailed, batchesFailed })).toBe(mark);
  });

  it.each([['❌', 0], ['⏸', 1], ['✅', 2], ['?', 2]])('rank of %s is %s', (mark, rank) => {
    expect(markRank(mark as string)).toBe(rank);
  });
});
