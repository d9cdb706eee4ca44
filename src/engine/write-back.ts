import { toSyncError, type SyncError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import type { DestinationChange, Partition, RecordFailure, SourceRecord } from '../ports/records.js';
import type { RecordOutcome, WriteAcknowledgement } from '../ports/source.js';
import { ATTR, SPAN } from '../telemetry/names.js';
import type { RunTelemetry } from '../telemetry/run-telemetry.js';

/** The source's write-back, as the batch writer calls it (`Source.acknowledge`, bound). */
export interface WriteBack {
  /** The source's connector name, for the span (`sqlite`, `postgres`). */
  system: string;
  acknowledge(ack: WriteAcknowledgement): Promise<void>;
}

export interface WrittenBatch {
  partition: Partition;
  records: SourceRecord[];
  /** Source failures first, then the destination's. */
  failures: RecordFailure[];
  externalIds: Record<string, string>;
  containerIds: Record<string, string>;
  changes: DestinationChange[];
}

/** Every record of a written batch with its outcome, in batch order; source failures without a record last. */
export function outcomesOf(batch: WrittenBatch): RecordOutcome[] {
  const failed = new Map(batch.failures.map((f) => [f.key, f]));
  const outcome = (key: string): RecordOutcome => {
    const failure = failed.get(key);
    return {
      key,
      status: failure ? 'failed' : 'synced',
      externalId: batch.externalIds[key] ?? null,
      containerId: batch.containerIds[key] ?? null,
      errorCategory: failure?.category ?? null,
      errorMessage: failure?.message ?? null,
    };
  };
  const keys = new Set(batch.records.map((r) => r.key));
  return [...batch.records.map((r) => outcome(r.key)), ...batch.failures.filter((f) => !keys.has(f.key)).map((f) => outcome(f.key))];
}

/**
 * Tells the source what became of a batch, inside a database-write span of its own (SPAN.dbWrite). Returns the
 * error instead of throwing: the caller fails the batch's records with it (see `Source.acknowledge`).
 */
export async function writeBack(t: RunTelemetry, clock: Clock, back: WriteBack, batch: WrittenBatch): Promise<SyncError | undefined> {
  // The source is one more place secrets must not reach (a provider may echo a token in an error).
  const records = outcomesOf(batch).map((r) => (r.errorMessage === null ? r : { ...r, errorMessage: t.redactor.text(r.errorMessage) }));
  const containers = batch.changes.filter((c) => c.scope !== undefined);
  if (records.length === 0 && containers.length === 0) return undefined;
  const started = clock.now();
  try {
    await t.inSpan(SPAN.dbWrite, { [ATTR.dbSystem]: back.system, [ATTR.dbOperation]: 'write_back', [ATTR.batchRecords]: records.length }, () =>
      back.acknowledge({ syncId: t.syncId, partition: batch.partition, records, containers, at: new Date(clock.now()).toISOString() }),
    );
    t.events.sourceWriteBack({
      partition: batch.partition.key,
      source: back.system,
      records: records.length,
      failed: records.filter((r) => r.status === 'failed').length,
      containers: containers.length,
      duration_ms: Math.round(clock.now() - started),
    });
    return undefined;
  } catch (error) {
    return toSyncError(error);
  }
}
