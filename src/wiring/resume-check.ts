import { UsageError } from '../errors/sync-error.js';
import type { RunRow } from '../ports/run-store.js';

/** Where a run records the options that shape what it reads (`PipelineConnectors.readOptions`). */
export const READ_OPTIONS_KEY = 'read';

/** The read options a run was started with; `undefined` for runs recorded before they were kept. */
export function recordedReadOptions(run: RunRow): Record<string, unknown> | undefined {
  const read = run.options[READ_OPTIONS_KEY];
  return read !== null && typeof read === 'object' && !Array.isArray(read) ? (read as Record<string, unknown>) : undefined;
}

/**
 * The GitHub read mode of a run recorded before GraphQL became the default: such runs (no read
 * options, or read options without `mode`) read over REST, and their checkpoints are REST offsets.
 */
export const MODE_BEFORE_RECORDED = 'rest' as const;

/** The GitHub mode a run read with: the recorded one, or REST for runs recorded before it was kept. */
export function recordedMode(run: RunRow): string {
  const mode = recordedReadOptions(run)?.mode;
  return typeof mode === 'string' ? mode : MODE_BEFORE_RECORDED;
}

/**
 * Refuses a resume whose read options differ from the ones the sync started with: its checkpoints
 * name positions in *that* read (another mode, page size or selection would skip or repeat records
 * and still report `succeeded`). Throws a usage error (exit 2) naming the first differing key,
 * before the run row is touched, so `resume_count` stays as it was. `unrecorded` gives the value
 * an option had for runs recorded before it was kept.
 */
export function assertSameReadOptions(run: RunRow, current: Record<string, unknown>, unrecorded: Record<string, unknown> = {}): void {
  const read = recordedReadOptions(run);
  if (!read) return;
  // Options added after the run was recorded compare as what they were then (e.g. mode = rest).
  const recorded = { ...unrecorded, ...read };
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort();
  for (const key of keys) {
    const before = JSON.stringify(recorded[key] ?? null);
    const now = JSON.stringify(current[key] ?? null);
    if (before !== now) {
      throw new UsageError(
        `cannot resume ${run.syncId}: read option ${key} was ${before} when the sync started and is ${now} now; ` +
          `resume with ${key} = ${before} (omit the flag to reuse it) or start a new sync`,
      );
    }
  }
}
