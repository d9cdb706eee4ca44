import { SyncError, toSyncError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { DestinationChange, Partition, RecordFailure, RecordStatus, SourceRecord } from '../ports/records.js';
import type { BatchCommit, BatchRow, DestinationChangeRow, RecordStateRow, RunStore } from '../ports/run-store.js';
import { ATTR, SPAN } from '../telemetry/names.js';
import type { RunTelemetry } from '../telemetry/run-telemetry.js';
import type { EngineOptions } from './engine-options.js';
import { decideRetry } from '../scheduling/retry-policy.js';
import { writeBack, type WriteBack } from './write-back.js';

export interface BatchOutcome {
  synced: number;
  failed: number;
  skipped: number;
}

interface WriteAttempts {
  failures: RecordFailure[];
  externalIds: Record<string, string>;
  containerIds: Record<string, string>;
  changes: DestinationChange[];
  attempt: number;
  /** Set when the whole write failed (every record of the batch then failed with it). */
  batchError: SyncError | undefined;
}

export interface BatchInput {
  partition: Partition;
  sequence: number;
  records: SourceRecord[];
  /** Records the source could not complete; committed as failed with the batch. */
  sourceFailures: RecordFailure[];
  /** Set on the batch that closes a source page: the partition's new checkpoint. */
  checkpoint?: string | null;
}

/**
 * Writes one batch inside a `sync.batch` span: the destination write (retried when retryable),
 * the source's write-back when it has one (executing runs only), then one atomic commit of the
 * batch row, every record's final state, the destination's changes and the checkpoint.
 */
export class BatchWriter {
  constructor(
    private readonly destination: Destination,
    private readonly store: RunStore,
    private readonly telemetry: RunTelemetry,
    private readonly options: EngineOptions,
    private readonly clock: Clock,
    private readonly back?: WriteBack,
  ) {}

  async write(input: BatchInput): Promise<BatchOutcome> {
    const { partition, sequence, records } = input;
    const batchId = `${partition.key}#${sequence}`;
    const t = this.telemetry;
    return t.inSpan(SPAN.batch, { [ATTR.batchId]: batchId, [ATTR.batchRecords]: records.length, [ATTR.partition]: partition.key }, async (span) => {
      const startedAt = this.clock.now();
      const { failures, externalIds, containerIds, changes, attempt, batchError } = await this.writeWithRetry(partition, records);
      let allFailures = [...input.sourceFailures, ...failures];
      if (this.back && !this.options.dryRun) {
        const backError = await writeBack(t, this.clock, this.back, { partition, records, failures: allFailures, externalIds, containerIds, changes });
        if (backError) allFailures = withWriteBackFailure(records, allFailures, backError);
      }
      const failedKeys = new Map(allFailures.map((f) => [f.key, f]));
      const now = new Date(this.clock.now()).toISOString();
      const written: RecordStatus = this.options.dryRun ? 'skipped' : 'synced';
      const redact = (failure: RecordFailure | undefined) => (failure ? { ...failure, message: t.redactor.text(failure.message) } : undefined);
      const states: RecordStateRow[] = [
        ...records.map((r) => stateOf(t.syncId, partition.key, r.key, r.entity, redact(failedKeys.get(r.key)), written, externalIds[r.key], now)),
        ...input.sourceFailures
          .filter((f) => !records.some((r) => r.key === f.key))
          .map((f) => stateOf(t.syncId, partition.key, f.key, 'unknown', redact(f), written, undefined, now)),
      ];
      const durationMs = this.clock.now() - startedAt;
      const outcome = await this.commitStates(partition, batchId, sequence, states, {
        attempt,
        startedAt: new Date(startedAt).toISOString(),
        durationMs,
        errorCategory: batchError?.category ?? allFailures[0]?.category ?? null,
        errorMessage: batchError ? t.redactor.text(batchError.message) : null,
      }, {
        changes: changes.map((c): DestinationChangeRow => ({ ...c, syncId: t.syncId, partitionKey: partition.key, batchId, recordedAt: now })),
        ...(input.checkpoint !== undefined ? { checkpoint: { partitionKey: partition.key, cursor: input.checkpoint } } : {}),
      });
      this.report(batchId, partition, states, outcome, attempt, durationMs, batchError);
      span.setAttribute(ATTR.recordsSynced, outcome.synced);
      span.setAttribute(ATTR.recordsFailed, outcome.failed);
      if (outcome.failed > 0) t.setErrorCategory(span, allFailures[0]?.category ?? 'INTERNAL');
      return outcome;
    });
  }

  /**
   * Commits records that were read but never written because the partition failed around them
   * (a later batch's write threw, the next page could not be read): each ends `failed` with the
   * partition's error, in a failed batch row, without moving the checkpoint, so a resume or
   * `--retry-failed` reads them again.
   */
  async commitFailed(partition: Partition, sequence: number, records: SourceRecord[], error: SyncError): Promise<BatchOutcome> {
    const t = this.telemetry;
    const batchId = `${partition.key}#${sequence}`;
    const now = new Date(this.clock.now()).toISOString();
    const message = t.redactor.text(`not written: ${error.message}`);
    const failure = (key: string): RecordFailure => ({ key, category: error.category, message, ...(error.requestId ? { requestId: error.requestId } : {}) });
    const states = records.map((r) => stateOf(t.syncId, partition.key, r.key, r.entity, failure(r.key), 'synced', undefined, now));
    const outcome = await this.commitStates(partition, batchId, sequence, states, {
      status: 'failure', attempt: 1, startedAt: now, durationMs: 0, errorCategory: error.category, errorMessage: message,
    }, { changes: [] });
    this.report(batchId, partition, states, outcome, 1, 0, error);
    return outcome;
  }

  /** One batch row with its record states (and changes, checkpoint) in one store transaction. */
  private async commitStates(
    partition: Partition,
    batchId: string,
    sequence: number,
    states: RecordStateRow[],
    row: Pick<BatchRow, 'attempt' | 'startedAt' | 'durationMs' | 'errorCategory' | 'errorMessage'> & Partial<Pick<BatchRow, 'status'>>,
    rest: Pick<BatchCommit, 'changes' | 'checkpoint'>,
  ): Promise<BatchOutcome> {
    const outcome = countStates(states);
    await this.store.commitBatch({
      batch: {
        syncId: this.telemetry.syncId,
        partitionKey: partition.key,
        batchId,
        sequence,
        status: outcome.failed === 0 ? 'success' : 'failure',
        records: states.length,
        synced: outcome.synced,
        failed: outcome.failed,
        ...row,
      },
      records: states,
      ...rest,
    });
    return outcome;
  }

  private async writeWithRetry(partition: Partition, records: SourceRecord[]): Promise<WriteAttempts> {
    if (this.options.dryRun || records.length === 0) {
      return { failures: [], externalIds: {}, containerIds: {}, changes: [], attempt: 1, batchError: undefined };
    }
    const t = this.telemetry;
    for (let attempt = 1; ; attempt++) {
      const started = this.clock.now();
      try {
        const dbAttributes = {
          [ATTR.dbSystem]: this.destination.name,
          [ATTR.dbOperation]: 'upsert',
          [ATTR.dbEntity]: records[0]?.entity ?? 'unknown',
          [ATTR.dbBatchSize]: records.length,
          [ATTR.attempt]: attempt,
        };
        const result = await t.inSpan(SPAN.dbWrite, dbAttributes, () =>
          this.destination.writeBatch(partition, records),
        );
        const durationMs = this.clock.now() - started;
        t.stats.destinationTimeMs += durationMs;
        t.events.dbWrite({
          destination: this.destination.name,
          entity: records[0]?.entity,
          records: records.length,
          created: result.created,
          updated: result.updated,
          failed: result.failures.length,
          duration_ms: Math.round(durationMs),
          attempt,
        });
        return {
          failures: result.failures,
          externalIds: result.externalIds ?? {},
          containerIds: result.containerIds ?? {},
          changes: result.changes ?? [],
          attempt,
          batchError: undefined,
        };
      } catch (error) {
        t.stats.destinationTimeMs += this.clock.now() - started;
        const syncError = toSyncError(error);
        const decision = decideRetry({ category: syncError.category, attempt }, this.options.writeRetry, this.clock.now());
        if (!decision.retry) {
          const requestId = syncError.requestId ? { requestId: syncError.requestId } : {};
          const failures = records.map((r) => ({ key: r.key, category: syncError.category, message: syncError.message, ...requestId }));
          return { failures, externalIds: {}, containerIds: {}, changes: [], attempt, batchError: syncError };
        }
        await this.clock.sleep(decision.delayMs);
      }
    }
  }

  private report(
    batchId: string,
    partition: Partition,
    states: RecordStateRow[],
    outcome: BatchOutcome,
    attempt: number,
    durationMs: number,
    batchError: SyncError | undefined,
  ): void {
    const t = this.telemetry;
    const labels = { pipeline: t.pipeline };
    t.metrics.batches.inc({ ...labels, status: outcome.failed === 0 ? 'success' : 'failure' });
    t.metrics.batchDuration.observe(labels, durationMs / 1000);
    if (outcome.synced) t.metrics.records.inc({ ...labels, status: 'synced' }, outcome.synced);
    if (outcome.skipped) t.metrics.records.inc({ ...labels, status: 'skipped' }, outcome.skipped);
    if (outcome.failed) t.metrics.records.inc({ ...labels, status: 'failed' }, outcome.failed);
    for (const state of states) {
      if (state.status !== 'failed') continue;
      t.metrics.errors.inc({ ...labels, error_category: state.errorCategory ?? 'INTERNAL' });
      t.events.recordFailed({
        partition: partition.key,
        record_key: state.recordKey,
        error_category: state.errorCategory,
        error_message: state.errorMessage,
      });
    }
    const fields = {
      partition: partition.key,
      batch_id: batchId,
      records: states.length,
      synced: outcome.synced,
      failed: outcome.failed,
      skipped: outcome.skipped,
      attempt,
      duration_ms: Math.round(durationMs),
    };
    if (outcome.failed === 0) t.events.batchCompleted(fields);
    else t.events.batchFailed({ ...fields, error_category: batchError?.category ?? states.find((s) => s.errorCategory)?.errorCategory });
  }
}

/** A failed write-back fails every record that was not failed already: its source does not know it was written. */
function withWriteBackFailure(records: SourceRecord[], failures: RecordFailure[], error: SyncError): RecordFailure[] {
  const failed = new Set(failures.map((f) => f.key));
  const message = `written to the destination, but the source write-back failed: ${error.message}`;
  return [...failures, ...records.filter((r) => !failed.has(r.key)).map((r) => ({ key: r.key, category: error.category, message }))];
}

function stateOf(
  syncId: string,
  partitionKey: string,
  recordKey: string,
  entity: string,
  failure: RecordFailure | undefined,
  written: RecordStatus,
  externalId: string | undefined,
  updatedAt: string,
): RecordStateRow {
  return {
    syncId,
    recordKey,
    partitionKey,
    entity,
    status: failure ? 'failed' : written,
    externalId: externalId ?? null,
    errorCategory: failure?.category ?? null,
    errorMessage: failure?.message ?? null,
    requestId: failure?.requestId ?? null,
    updatedAt,
  };
}

function countStates(states: RecordStateRow[]): BatchOutcome {
  const outcome = { synced: 0, failed: 0, skipped: 0 };
  for (const s of states) if (s.status !== 'pending') outcome[s.status] += 1;
  return outcome;
}
