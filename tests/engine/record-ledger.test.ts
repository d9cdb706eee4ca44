import { describe, expect, it } from 'vitest';
import { runPipeline, type RunPipelineInput } from '../../src/engine/run-pipeline.js';
import { RecordLedger } from '../../src/engine/record-ledger.js';
import { SyncError } from '../../src/errors/sync-error.js';
import { systemClock } from '../../src/ports/clock.js';
import type { BatchCommit } from '../../src/ports/run-store.js';
import { DEFAULT_RETRY_POLICY } from '../../src/scheduling/retry-policy.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { FakeDestination } from '../../src/testing/fake-destination.js';
import { FakeSource, fakeRecords } from '../../src/testing/fake-source.js';
import { testTelemetry } from '../helpers/test-telemetry.js';

// The sync ID testTelemetry() runs under.
const SYNC_ID = '202611231200-SYNC-ABCDEF01';

function input(store: InMemoryRunStore, source: FakeSource): RunPipelineInput {
  return {
    syncId: SYNC_ID,
    pipeline: 'ledger',
    organization: 'acme',
    source,
    destination: new FakeDestination(),
    store,
    telemetry: testTelemetry().telemetry,
    clock: systemClock,
    recordedOptions: {},
    options: { batchSize: 3, partitionConcurrency: 1, dryRun: false, writeRetry: DEFAULT_RETRY_POLICY, cancelPollMs: 5 },
  };
}

/** synced + failed + skipped + pending of every partition, from the record states in the store. */
async function ledgerOf(store: InMemoryRunStore, partitionKey: string) {
  const states = await store.listRecordStates(SYNC_ID, { partitionKey, limit: 1000 });
  const count = (status: string) => states.filter((s) => s.status === status).length;
  return { synced: count('synced'), failed: count('failed'), skipped: count('skipped'), pending: count('pending'), states };
}

describe('record ledger: every record seen ends the run in a state', () => {
  it('a source that throws at record 8 fails that partition with the error as its message; the records before it are synced, the other partition syncs', async () => {
    const store = new InMemoryRunStore();
    const source = new FakeSource({
      partitions: { a: fakeRecords('a', 12), b: fakeRecords('b', 4) },
      pageSize: 5,
      throwAt: { partition: 'a', record: 8, error: new SyncError('SERVER_ERROR', 'GET /orders → 502 Bad Gateway (customer a)') },
    });
    const run = await runPipeline(input(store, source));
    expect(run.status, JSON.stringify(run)).toBe('partial');
    const a = await ledgerOf(store, 'a');
    expect({ synced: a.synced, failed: a.failed, pending: a.pending }).toEqual({ synced: 7, failed: 0, pending: 0 });
    expect((await ledgerOf(store, 'b')).synced).toBe(4);
    const [rowA] = (await store.listPartitions(SYNC_ID)).filter((p) => p.partitionKey === 'a');
    expect(rowA).toMatchObject({ status: 'failed', errorCategory: 'SERVER_ERROR', errorMessage: 'GET /orders → 502 Bad Gateway (customer a)' });
    expect(run.records).toEqual({ synced: 11, failed: 0, skipped: 0, pending: 0 });
  });

  it('an error after records were read but before their commit lands them `failed` with a message, never in no state', async () => {
    const store = new InMemoryRunStore();
    const commit = store.commitBatch.bind(store);
    // The store refuses the second batch of the first page: its 3 records and the page's last 1 were read, not committed.
    let refused = false;
    store.commitBatch = async (c: BatchCommit) => {
      if (c.batch.partitionKey === 'a' && c.batch.sequence === 2 && !refused) {
        refused = true;
        throw new SyncError('INTERNAL', 'disk I/O error');
      }
      return commit(c);
    };
    const source = new FakeSource({ partitions: { a: fakeRecords('a', 10), b: fakeRecords('b', 2) }, pageSize: 7 });
    const run = await runPipeline(input(store, source));
    const a = await ledgerOf(store, 'a');
    expect({ synced: a.synced, failed: a.failed, skipped: a.skipped, pending: a.pending }).toEqual({ synced: 3, failed: 4, skipped: 0, pending: 0 });
    for (const failed of a.states.filter((s) => s.status === 'failed')) {
      expect(failed.errorCategory).toBe('INTERNAL');
      expect(failed.errorMessage).toBe('not written: disk I/O error');
    }
    const [rowA] = (await store.listPartitions(SYNC_ID)).filter((p) => p.partitionKey === 'a');
    expect(rowA).toMatchObject({ status: 'failed', errorCategory: 'INTERNAL', errorMessage: 'disk I/O error' });
    expect(rowA!.records).toMatchObject({ synced: 3, failed: 4 });
    // Records seen in the run: 7 of a's first page + 2 of b = synced + failed + skipped + pending.
    expect(run.records.synced + run.records.failed + run.records.skipped + run.records.pending).toBe(9);
    expect(run.status).toBe('partial');
  });

  it('a partition failed only by its records still gets a message', async () => {
    const store = new InMemoryRunStore();
    const source = new FakeSource({ partitions: { a: fakeRecords('a', 2) }, failures: { a: [{ key: 'a-3', category: 'VALIDATION_ERROR', message: 'bad row' }] } });
    await runPipeline(input(store, source));
    const [row] = await store.listPartitions(SYNC_ID);
    expect(row).toMatchObject({ status: 'failed', errorCategory: 'VALIDATION_ERROR', errorMessage: 'bad row' });
  });

  it('counts each record once and keeps only the outstanding ones', () => {
    const ledger = new RecordLedger();
    const records = fakeRecords('a', 4);
    ledger.read(records);
    ledger.read(records.slice(0, 1));
    ledger.committed(records.slice(0, 3));
    expect(ledger.unsettled().map((r) => r.key)).toEqual(['a-4']);
    expect(ledger.totals()).toEqual({ seen: 4, committed: 3 });
  });
});
