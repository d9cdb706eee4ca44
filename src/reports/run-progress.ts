import type { PartitionRow, RecordCounts } from '../ports/run-store.js';
import type { PartitionStatusView, RunProgressView } from './run-status-types.js';
import { partitionMark } from './status-marks.js';

/** What `progressOf` found: the bar, each partition, and the records still to come (null: unknown). */
export interface ProgressEstimate {
  progress: RunProgressView;
  partitions: PartitionStatusView[];
  remainingRecords: number | null;
}

const finishedStatus = (p: PartitionRow) => p.status === 'succeeded' || p.status === 'failed';
const doneOf = (c: RecordCounts) => c.synced + c.failed + c.skipped;

/**
 * Pure: the progress bar of a run from its partitions (and its record counts, which include
 * records of partitions whose rows lag behind). A finished partition's size is what it holds; an
 * unfinished one's is the source's estimate (never below what is done), else the average size of
 * the partitions that have one. No size at all: the bar counts partitions instead of records.
 */
export function progressOf(partitions: PartitionRow[], counts: RecordCounts): ProgressEstimate {
  const sized = partitions.map((p) => {
    const done = doneOf(p.records);
    const size = finishedStatus(p) ? done : p.recordsExpected === null ? null : Math.max(p.recordsExpected, done);
    return { row: p, done, size };
  });
  const known = sized.filter((s) => s.size !== null).map((s) => s.size as number);
  const average = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null;
  const usedAverage = sized.some((s) => s.size === null) && average !== null;

  const views: PartitionStatusView[] = sized.map(({ row, size }) => ({
    key: row.partitionKey,
    kind: row.kind,
    status: row.status,
    mark: partitionMark({ status: row.status, recordsFailed: row.records.failed, batchesFailed: row.batchesFailed }),
    records: { ...row.records, total: row.records.synced + row.records.failed + row.records.skipped + row.records.pending },
    expected_records: size,
    percent: size === null ? null : size === 0 ? 100 : round1((doneOf(row.records) / size) * 100),
    duration_ms: row.durationMs === null ? null : Math.round(row.durationMs),
    error_category: row.errorCategory,
    error_message: row.errorMessage,
  }));

  const finished = partitions.filter(finishedStatus).length;
  const running = partitions.filter((p) => p.status === 'running').length;
  const base = { partitions_total: partitions.length, partitions_finished: finished, partitions_running: running };

  if (average === null) {
    const segments = {
      synced: partitions.filter((p) => p.status === 'succeeded').length,
      skipped: 0,
      failed: partitions.filter((p) => p.status === 'failed').length,
      in_progress: running,
      pending: partitions.length - finished - running,
    };
    const percent = partitions.length === 0 ? 0 : round1((finished / partitions.length) * 100);
    return { progress: { basis: 'partitions', percent, segments, expected_records: null, expected_basis: null, ...base }, partitions: views, remainingRecords: null };
  }

  let inProgress = 0;
  let pending = 0;
  for (const s of sized) {
    if (finishedStatus(s.row)) continue;
    const left = Math.max(0, (s.size ?? average) - s.done);
    if (s.row.status === 'running') inProgress += left;
    else pending += left;
  }
  inProgress = Math.round(inProgress);
  pending = Math.round(pending);
  const segments = { synced: counts.synced, skipped: counts.skipped, failed: counts.failed, in_progress: inProgress, pending };
  const done = counts.synced + counts.skipped + counts.failed;
  const expected = done + inProgress + pending;
  return {
    progress: {
      basis: 'records',
      percent: expected === 0 ? 100 : round1((done / expected) * 100),
      segments,
      expected_records: expected,
      expected_basis: usedAverage ? 'partition_average' : 'source_estimate',
      ...base,
    },
    partitions: views,
    remainingRecords: inProgress + pending,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
