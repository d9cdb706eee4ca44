import { CancelledError, InterruptedError, SyncError, toSyncError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { Partition, RecordFailure, SourceRecord } from '../ports/records.js';
import type { PartitionRow, RunStore } from '../ports/run-store.js';
import type { Source } from '../ports/source.js';
import { ATTR, SPAN } from '../telemetry/names.js';
import { withPartition } from '../telemetry/partition-scope.js';
import type { RunTelemetry } from '../telemetry/run-telemetry.js';
import type { BatchWriter } from './batch-writer.js';
import { RecordLedger } from './record-ledger.js';
import type { EngineOptions } from './engine-options.js';

export interface PartitionRunnerDeps {
  source: Source;
  destination: Destination;
  store: RunStore;
  writer: BatchWriter;
  telemetry: RunTelemetry;
  options: EngineOptions;
  clock: Clock;
  signal?: AbortSignal;
  /** Whether a stored cancel request asks the run to stop (checked between batches). */
  cancelled?: () => Promise<boolean>;
  /** Records read but not yet committed, so an interrupted run can report them `pending`. */
  onUncommitted?: (delta: number) => void;
  /** A batch committed: its records reached a final state. */
  onBatch?: (records: number, failed: number) => void;
}

/**
 * Syncs one partition inside its `sync.repo` / `sync.customer` span: reads pages from the
 * checkpoint on, writes them in batches, and keeps the partition row's status and counts true to
 * what was committed. Never throws for the partition's own failures: they end in the row.
 */
export async function runPartition(
  deps: PartitionRunnerDeps,
  partition: Partition,
  previous: PartitionRow,
  cursor: string | undefined,
): Promise<PartitionRow> {
  const { telemetry: t, clock } = deps;
  const spanName = partition.kind === 'repo' ? SPAN.repo : SPAN.customer;
  const row: PartitionRow = {
    ...previous,
    records: { ...previous.records },
    status: 'running',
    startedAt: previous.startedAt ?? new Date(clock.now()).toISOString(),
    errorCategory: null,
    errorMessage: null,
  };
  const started = clock.now();
  const priorDurationMs = previous.durationMs ?? 0;
  const ledger = new RecordLedger();

  return withPartition(partition.key, () =>
    t.tracer.startActiveSpan(spanName, { attributes: t.baseAttributes({ [ATTR.partition]: partition.key, [ATTR[partition.kind]]: partition.key }) }, async (span) => {
      t.metrics.partitionsInProgress.inc({ pipeline: t.pipeline });
      t.events.partitionStarted(partition.kind, { [partition.kind]: partition.key, resumed_from: cursor ?? null });
      await deps.store.savePartition(row);
      try {
        if (!deps.options.dryRun) await deps.destination.preparePartition?.(partition);
        for await (const page of deps.source.readPartition(partition, cursor)) {
          const wanted = filterWanted(page.records, deps.options.onlyRecordKeys);
          deps.onUncommitted?.(wanted.length);
          ledger.read(wanted);
          await writePage(deps, partition, row, wanted, page.failures ?? [], page.nextCursor ?? null, ledger);
          if (page.expectedRecords !== undefined) row.recordsExpected = page.expectedRecords;
          // Saved per page so another process (the status API, `syncscope status`) sees the
          // partition advance; its counts never run ahead of the batches committed above.
          await deps.store.savePartition(row);
          t.events.partitionProgress(partition.kind, {
            [partition.kind]: partition.key,
            records_synced: row.records.synced,
            records_failed: row.records.failed,
            next_cursor: page.nextCursor ?? null,
          });
        }
        row.status = row.records.failed > 0 ? 'failed' : 'succeeded';
      } catch (error) {
        // A connector may let the run's stop surface as an error of its own (an AbortError from a
        // wait it did not translate): while the run is told to stop, what a partition throws is
        // that stop, and the partition resumes from its checkpoint rather than failing INTERNAL.
        const stopping = !(error instanceof InterruptedError) && (deps.signal?.aborted === true || (await deps.cancelled?.()) === true);
        const syncError = stopping ? new InterruptedError() : toSyncError(error);
        row.status = syncError instanceof InterruptedError ? 'interrupted' : 'failed';
        row.errorCategory = syncError.category;
        row.errorMessage = t.redactor.text(syncError.message);
        if (row.status === 'failed') {
          t.markSpanError(span, syncError);
          t.metrics.errors.inc({ pipeline: t.pipeline, error_category: syncError.category });
        }
      } finally {
        t.metrics.partitionsInProgress.dec({ pipeline: t.pipeline });
      }
      // An interrupted partition's unsettled records are `pending` (the run reports them so); any
      // other end leaves none: they are committed `failed` with the partition's error.
      if (row.status !== 'interrupted') await settle(deps, partition, row, ledger);
      if (row.status === 'failed' && (row.errorCategory === null || !row.errorMessage)) {
        const first = await firstRecordError(deps, partition.key);
        row.errorCategory ??= first?.errorCategory ?? 'INTERNAL';
        row.errorMessage = row.errorMessage || first?.errorMessage || `${row.records.failed} records failed`;
      }
      row.finishedAt = new Date(clock.now()).toISOString();
      row.durationMs = priorDurationMs + (clock.now() - started);
      await deps.store.savePartition(row);
      report(t, partition, row);
      span.setAttribute(ATTR.recordsSynced, row.records.synced);
      span.setAttribute(ATTR.recordsFailed, row.records.failed);
      if (row.status === 'failed' && row.errorCategory) t.setErrorCategory(span, row.errorCategory);
      span.end();
      return row;
    }),
  );
}

async function writePage(
  deps: PartitionRunnerDeps,
  partition: Partition,
  row: PartitionRow,
  records: SourceRecord[],
  sourceFailures: RecordFailure[],
  nextCursor: string | null,
  ledger: RecordLedger,
): Promise<void> {
  const size = Math.max(1, deps.options.batchSize);
  const batchCount = Math.max(1, Math.ceil(records.length / size));
  for (let i = 0; i < batchCount; i++) {
    if (deps.signal?.aborted) throw new InterruptedError();
    if (await deps.cancelled?.()) throw new CancelledError();
    const batch = records.slice(i * size, (i + 1) * size);
    const isLast = i === batchCount - 1;
    const outcome = await deps.writer.write({
      partition,
      sequence: row.batchesTotal + 1,
      records: batch,
      sourceFailures: isLast ? sourceFailures : [],
      // The checkpoint moves only with the page's last batch: a crash mid-page re-reads the page,
      // and idempotent writes make the replay harmless.
      ...(isLast ? { checkpoint: nextCursor } : {}),
    });
    deps.onUncommitted?.(-batch.length);
    ledger.committed(batch);
    deps.onBatch?.(outcome.synced + outcome.failed + outcome.skipped, outcome.failed);
    row.batchesTotal += 1;
    if (outcome.failed > 0) row.batchesFailed += 1;
    row.records.synced += outcome.synced;
    row.records.failed += outcome.failed;
    row.records.skipped += outcome.skipped;
  }
}

function filterWanted(records: SourceRecord[], only: ReadonlySet<string> | undefined): SourceRecord[] {
  return only ? records.filter((r) => only.has(r.key)) : records;
}

async function firstRecordError(deps: PartitionRunnerDeps, partitionKey: string): Promise<{ errorCategory: SyncError['category'] | null; errorMessage: string | null } | undefined> {
  const [failed] = await deps.store.listRecordStates(deps.telemetry.syncId, { status: 'failed', partitionKey, limit: 1 });
  return failed ? { errorCategory: failed.errorCategory, errorMessage: failed.errorMessage } : undefined;
}

/**
 * The ledger check: records read but not committed (an error deep inside the partition) end
 * `failed` with the partition's error. Records left so by a partition that did not fail are an
 * engine bug: they fail as INTERNAL and fail the partition, said in its message, never a hole.
 */
async function settle(deps: PartitionRunnerDeps, partition: Partition, row: PartitionRow, ledger: RecordLedger): Promise<void> {
  const unsettled = ledger.unsettled();
  if (unsettled.length === 0) return;
  const error =
    row.status === 'failed' && row.errorCategory
      ? new SyncError(row.errorCategory, row.errorMessage ?? 'the partition failed')
      : new SyncError('INTERNAL', `${unsettled.length} records read but never committed (record ledger did not balance)`);
  try {
    const outcome = await deps.writer.commitFailed(partition, row.batchesTotal + 1, unsettled, error);
    ledger.committed(unsettled);
    deps.onUncommitted?.(-unsettled.length);
    deps.onBatch?.(outcome.failed, outcome.failed);
    row.batchesTotal += 1;
    row.batchesFailed += 1;
    row.records.failed += outcome.failed;
  } catch (commitError) {
    // The store itself failed: the records stay counted `pending` by the run, and the message says why.
    row.errorMessage = deps.telemetry.redactor.text(`${row.errorMessage ?? ''} (and ${unsettled.length} records could not be marked failed: ${toSyncError(commitError).message})`.trim());
  }
  if (row.status !== 'failed') {
    row.status = 'failed';
    row.errorCategory = 'INTERNAL';
    row.errorMessage = error.message;
  }
}

function report(t: RunTelemetry, partition: Partition, row: PartitionRow): void {
  const fields = {
    [partition.kind]: partition.key,
    status: row.status,
    records_synced: row.records.synced,
    records_failed: row.records.failed,
    records_skipped: row.records.skipped,
    batches: row.batchesTotal,
    duration_ms: Math.round(row.durationMs ?? 0),
    error_category: row.errorCategory,
    error_message: row.errorMessage,
  };
  if (row.status === 'succeeded') t.events.partitionCompleted(partition.kind, fields);
  else t.events.partitionFailed(partition.kind, fields);
}
