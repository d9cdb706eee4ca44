import type { ErrorCategory } from '../errors/sync-error.js';
import type { FailureCategoryRow, RunRow } from '../ports/run-store.js';
import type { DigestErrorCategory, DigestErrors, DigestFailedRecord, DigestPartition } from './digest-types.js';

/**
 * The run's own error, e.g. listing partitions failed. A run row also carries its first failed
 * partition's error; that one is the partition's, already reported with it, so it is left out.
 */
export function runLevelError(run: RunRow, partitions: DigestPartition[], redact: (t: string) => string): DigestErrors['run_error'] {
  if (!run.errorCategory) return null;
  const message = run.errorMessage === null ? null : redact(run.errorMessage);
  const fromPartition = partitions.some((p) => p.error_category === run.errorCategory && p.error_message === message);
  return fromPartition ? null : { category: run.errorCategory, message };
}

/** Record failures by category, plus partitions (and the run) that failed as a whole. */
export function errorsByCategory(
  runError: DigestErrors['run_error'],
  failures: FailureCategoryRow[],
  partitions: DigestPartition[],
  topFailed: DigestFailedRecord[],
): DigestErrorCategory[] {
  const rows = new Map<string, DigestErrorCategory>();
  const rowOf = (category: ErrorCategory) => {
    let row = rows.get(category);
    if (!row) rows.set(category, (row = { category, records: 0, partitions: 0, run_level: false, example_message: null }));
    return row;
  };
  for (const f of failures) {
    const row = rowOf(f.category);
    row.records = f.count;
    row.example_message = topFailed.find((r) => r.category === f.category)?.message ?? null;
  }
  for (const p of partitions) {
    if (p.status !== 'failed' || p.error_category === null || p.records.failed > 0) continue;
    const row = rowOf(p.error_category);
    row.partitions += 1;
    row.example_message ??= p.error_message;
  }
  if (runError) {
    const row = rowOf(runError.category);
    row.run_level = true;
    row.example_message ??= runError.message;
  }
  return [...rows.values()].sort((a, b) => b.records + b.partitions - (a.records + a.partitions) || a.category.localeCompare(b.category));
}
