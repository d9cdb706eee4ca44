import type { PartitionStatus, RunStatus } from '../ports/run-store.js';

const RUN_MARKS: Record<RunStatus, string> = {
  succeeded: '✅',
  partial: '⚠️',
  failed: '❌',
  interrupted: '⏸',
  cancelled: '⏹',
  running: '⏳',
};

export function runStatusMark(status: RunStatus): string {
  return RUN_MARKS[status];
}

export interface PartitionOutcome {
  status: PartitionStatus;
  recordsFailed: number;
  batchesFailed: number;
}

/**
 * A partition's mark from what is always there (its status and counts), never from an optional
 * error field: any failed record or batch is ❌ even if the partition otherwise finished; a
 * partition that did not finish and has no failures is ⏸.
 */
export function partitionMark(p: PartitionOutcome): string {
  if (p.status === 'failed' || p.recordsFailed > 0 || p.batchesFailed > 0) return '❌';
  if (p.status === 'succeeded') return '✅';
  return '⏸';
}

/** Sort rank of a partition mark: what needs attention first. */
export function markRank(mark: string): number {
  return mark === '❌' ? 0 : mark === '⏸' ? 1 : 2;
}
