import type { PartitionRow, PartitionStatus } from '../../ports/run-store.js';
import type { PartitionKind } from '../../ports/records.js';
import { clip, formatCount, formatMs } from '../../reports/markdown.js';
import { renderTable } from './table.js';

/** How many partitions the terminal lists before pointing at the report for the rest. */
export const TERMINAL_PARTITION_ROWS = 12;

const HEADING: Record<PartitionKind, string> = { repo: 'Repository', customer: 'Customer' };

const MARK: Record<PartitionStatus, string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  running: '… running',
  pending: '· pending',
  interrupted: '⏸  interrupted',
};

/**
 * The per-partition table under the run summary: which repository or customer did what, the
 * failed ones first (they are why someone reads it), then the largest. Long runs list the first
 * rows and say how many more the report holds, so the terminal stays readable.
 */
export function renderPartitionTable(partitions: PartitionRow[], maxRows = TERMINAL_PARTITION_ROWS): string {
  if (partitions.length === 0) return '';
  const ordered = [...partitions].sort(
    (a, b) =>
      failureRank(b) - failureRank(a) ||
      b.records.failed - a.records.failed ||
      b.records.synced - a.records.synced ||
      a.partitionKey.localeCompare(b.partitionKey),
  );
  const shown = ordered.slice(0, maxRows);
  const kinds = new Set(partitions.map((p) => p.kind));
  const heading = kinds.size === 1 ? HEADING[partitions[0]!.kind] : 'Partition';
  const table = renderTable(
    [heading, 'Status', 'Synced', 'Failed', 'Skipped', 'Pending', 'Duration', 'Error'],
    shown.map((p) => [
      p.partitionKey,
      MARK[p.status],
      formatCount(p.records.synced),
      formatCount(p.records.failed),
      formatCount(p.records.skipped),
      formatCount(p.records.pending),
      formatMs(p.durationMs),
      p.errorCategory ? `${p.errorCategory}: ${clip(p.errorMessage, 60)}` : '',
    ]),
  );
  const indented = table
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  const more = ordered.length > shown.length ? `\n  … ${formatCount(ordered.length - shown.length)} more in the report` : '';
  return `\n${indented}${more}\n`;
}

function failureRank(p: PartitionRow): number {
  if (p.status === 'failed') return 2;
  return p.records.failed > 0 ? 1 : 0;
}
