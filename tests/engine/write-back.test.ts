import { describe, expect, it } from 'vitest';
import { SyncError } from '../../src/errors/sync-error.js';
import { runPipeline } from '../../src/engine/run-pipeline.js';
import type { DestinationChange } from '../../src/ports/records.js';
import type { WriteAcknowledgement } from '../../src/ports/source.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { FakeDestination } from '../../src/testing/fake-destination.js';
import { FakeSource, fakeRecords } from '../../src/testing/fake-source.js';
import { DEFAULT_RETRY_POLICY } from '../../src/scheduling/retry-policy.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { testTelemetry } from '../helpers/test-telemetry.js';

const group = (customer: string, season: string, id: string, action: DestinationChange['action'] = 'created'): DestinationChange => ({
  kind: 'group',
  name: `${customer} ${season}`,
  externalId: id,
  action,
  scope: { customer, season },
});

/** Items get IDs `item-<key>`, groups `g-<partition>`; records whose key ends in 3 are refused. */
const monday = () =>
  new FakeDestination((partition, records) => ({
    created: records.length,
    updated: 0,
    failures: records.filter((r) => r.key.endsWith('3')).map((r) => ({ key: r.key, category: 'VALIDATION_ERROR' as const, message: `label missing (${r.key})` })),
    externalIds: Object.fromEntries(records.filter((r) => !r.key.endsWith('3')).map((r) => [r.key, `item-${r.key}`])),
    containerIds: Object.fromEntries(records.map((r) => [r.key, `g-${partition.key}`])),
    changes: [group(partition.key, 'SS26', `g-${partition.key}`), ...records.filter((r) => !r.key.endsWith('3')).map((r): DestinationChange => ({ kind: 'item', name: r.key, externalId: `item-${r.key}`, action: 'created' }))],
  }));

async function run(source: FakeSource, destination: FakeDestination, dryRun = false) {
  const store = new InMemoryRunStore();
  const { telemetry, lines, exporter, settle } = testTelemetry();
  const order: string[] = [];
  const commit = store.commitBatch.bind(store);
  store.commitBatch = async (c) => {
    order.push(`commit ${c.batch.batchId}`);
    return commit(c);
  };
  const acknowledge = source.acknowledge;
  if (acknowledge) {
    (source as { acknowledge?: (ack: WriteAcknowledgement) => Promise<void> }).acknowledge = async (ack) => {
      order.push(`ack ${ack.partition.key}:${ack.records.length}`);
      return acknowledge(ack);
    };
  }
  const result = await runPipeline({
    syncId: telemetry.syncId,
    pipeline: 'test',
    source,
    destination,
    store,
    telemetry,
    clock: new FakeClock(),
    recordedOptions: {},
    options: { batchSize: 2, partitionConcurrency: 1, dryRun, writeRetry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } },
  });
  await settle();
  return { result, store, lines, order, spans: exporter.getFinishedSpans() };
}

describe('the source write-back (Source.acknowledge)', () => {
  it('is told every record of each executed batch, with item and group IDs, before the batch commits', async () => {
    const source = new FakeSource({ partitions: { PELOTON: fakeRecords('PELOTON', 3) }, acknowledge: () => undefined });
    const { result, store, order, lines, spans } = await run(source, monday());
    expect(order).toEqual(['ack PELOTON:2', 'commit PELOTON#1', 'ack PELOTON:1', 'commit PELOTON#2']);
    expect(source.acknowledged[0]).toMatchObject({
      syncId: result.syncId,
      partition: { key: 'PELOTON', kind: 'customer' },
      records: [
        { key: 'PELOTON-1', status: 'synced', externalId: 'item-PELOTON-1', containerId: 'g-PELOTON', errorCategory: null, errorMessage: null },
        { key: 'PELOTON-2', status: 'synced', externalId: 'item-PELOTON-2', containerId: 'g-PELOTON', errorCategory: null, errorMessage: null },
      ],
      containers: [group('PELOTON', 'SS26', 'g-PELOTON')],
    });
    expect(source.acknowledged[1]?.records).toEqual([
      { key: 'PELOTON-3', status: 'failed', externalId: null, containerId: 'g-PELOTON', errorCategory: 'VALIDATION_ERROR', errorMessage: 'label missing (PELOTON-3)' },
    ]);
    expect(result.records).toEqual({ synced: 2, failed: 1, skipped: 0, pending: 0 });
    expect(lines.filter((l) => l.event === 'sync.db.write_back').map((l) => [l.records, l.failed, l.containers])).toEqual([[2, 0, 1], [1, 1, 1]]);
    expect(spans.filter((s) => s.attributes['db.operation.name'] === 'write_back')).toHaveLength(2);
  });

  it('stores the destination changes with their batch (groups once, strongest action kept)', async () => {
    const source = new FakeSource({ partitions: { PELOTON: fakeRecords('PELOTON', 3) }, acknowledge: () => undefined });
    const { result, store } = await run(source, monday());
    const changes = await store.listDestinationChanges(result.syncId);
    expect(changes.map((c) => [c.kind, c.name, c.action, c.batchId])).toEqual([
      ['group', 'PELOTON SS26', 'created', 'PELOTON#2'],
      ['item', 'PELOTON-1', 'created', 'PELOTON#1'],
      ['item', 'PELOTON-2', 'created', 'PELOTON#1'],
    ]);
    expect(changes[0]?.scope).toEqual({ customer: 'PELOTON', season: 'SS26' });
  });

  it('is never called on a dry run', async () => {
    const source = new FakeSource({ partitions: { PELOTON: fakeRecords('PELOTON', 3) }, acknowledge: () => undefined });
    const { result } = await run(source, new FakeDestination(), true);
    expect(source.acknowledged).toEqual([]);
    expect(result.records.skipped).toBe(3);
  });

  it('includes records the source could not read, failed as the source said', async () => {
    const failures = { ROGUE: [{ key: 'ROGUE-bad', category: 'VALIDATION_ERROR' as const, message: 'CUSTOMER is empty' }] };
    const source = new FakeSource({ partitions: { ROGUE: fakeRecords('ROGUE', 1) }, failures, acknowledge: () => undefined });
    await run(source, monday());
    expect(source.acknowledged.flatMap((a) => a.records.map((r) => [r.key, r.status, r.errorMessage]))).toEqual([
      ['ROGUE-1', 'synced', null],
      ['ROGUE-bad', 'failed', 'CUSTOMER is empty'],
    ]);
  });

  it('fails the batch\'s records with the write-back\'s error when it throws, and goes on', async () => {
    let calls = 0;
    const source = new FakeSource({
      partitions: { PELOTON: fakeRecords('PELOTON', 4) },
      acknowledge: () => (++calls === 1 ? new SyncError('NETWORK_ERROR', 'connection to the order table lost') : undefined),
    });
    const { result, store } = await run(source, monday());
    const states = await store.listRecordStates(result.syncId);
    expect(states.map((s) => [s.recordKey, s.status, s.errorCategory])).toEqual([
      ['PELOTON-1', 'failed', 'NETWORK_ERROR'],
      ['PELOTON-2', 'failed', 'NETWORK_ERROR'],
      ['PELOTON-3', 'failed', 'VALIDATION_ERROR'],
      ['PELOTON-4', 'synced', null],
    ]);
    expect(states[0]?.errorMessage).toBe('written to the destination, but the source write-back failed: connection to the order table lost');
    expect(result.records).toEqual({ synced: 1, failed: 3, skipped: 0, pending: 0 });
  });

  it('tells a batch the destination refused as a whole as failed records', async () => {
    const source = new FakeSource({ partitions: { PELOTON: fakeRecords('PELOTON', 2) }, acknowledge: () => undefined });
    const refusing = new FakeDestination(() => {
      throw new SyncError('PERMISSION_DENIED', 'USER_ACCESS_DENIED: no access to board 42');
    });
    await run(source, refusing);
    expect(source.acknowledged[0]?.records.map((r) => [r.status, r.errorCategory])).toEqual([
      ['failed', 'PERMISSION_DENIED'],
      ['failed', 'PERMISSION_DENIED'],
    ]);
  });
});
