import { describe, expect, it } from 'vitest';
import { CancelWatch } from '../../src/engine/cancel-watch.js';
import { runPipeline, type RunPipelineInput } from '../../src/engine/run-pipeline.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Destination } from '../../src/ports/destination.js';
import type { Partition } from '../../src/ports/records.js';
import type { Source, SourcePage } from '../../src/ports/source.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { DEFAULT_RETRY_POLICY } from '../../src/scheduling/retry-policy.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { testTelemetry } from '../helpers/test-telemetry.js';

const SYNC_ID = '202611231200-SYNC-ABCDEF01';
const PAGES = 4;
const PER_PAGE = 5;

/** Three repos of four pages; `onPage` runs before each page is handed over (the test's hook). */
function pagedSource(onPage: (key: string, page: number) => Promise<void> = async () => {}): Source {
  return {
    connector: 'fake',
    listPartitions: async (): Promise<Partition[]> => ['o/a', 'o/b', 'o/c'].map((key) => ({ key, kind: 'repo' })),
    async *readPartition(partition, cursor): AsyncIterable<SourcePage> {
      for (let page = Number(cursor ?? 1); page <= PAGES; page++) {
        await onPage(partition.key, page);
        const records = Array.from({ length: PER_PAGE }, (_, i) => ({ key: `${partition.key}#${(page - 1) * PER_PAGE + i + 1}`, entity: 'pull_request', data: {} }));
        yield { records, nextCursor: page < PAGES ? String(page + 1) : undefined, expectedRecords: PAGES * PER_PAGE };
      }
    },
    close: async () => {},
  };
}

const destination: Destination = {
  name: 'fake',
  writeBatch: async (_p, records) => ({ created: records.length, updated: 0, failures: [] }),
  close: async () => {},
};

function input(store: InMemoryRunStore, source: Source, extra: Partial<RunPipelineInput> = {}): RunPipelineInput {
  return {
    syncId: SYNC_ID,
    pipeline: 'test',
    organization: 'acme',
    source,
    destination,
    store,
    telemetry: testTelemetry().telemetry,
    clock: systemClock,
    recordedOptions: {},
    options: { batchSize: 2, partitionConcurrency: 1, dryRun: false, writeRetry: DEFAULT_RETRY_POLICY, cancelPollMs: 5 },
    ...extra,
  };
}

describe('cancel through the run store', () => {
  it('stops between batches, ends cancelled with unfinished partitions, and a resume finishes the same sync', async () => {
    const store = new InMemoryRunStore();
    const seen: string[] = [];
    const source = pagedSource(async (key, page) => {
      if (key === 'o/a' && page === 3 && seen.length === 0) {
        // Another process asks; the engine learns it from the store alone.
        await store.requestCancel(SYNC_ID, { requestedAt: new Date().toISOString(), requestedBy: 'token:ops' });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    const run = await runPipeline(input(store, source, { onCancelRequested: (r) => seen.push(r.requestedBy) }));

    expect(run.status).toBe('cancelled');
    expect(run.organization).toBe('acme');
    expect(run.cancelRequest?.requestedBy).toBe('token:ops');
    expect(seen).toEqual(['token:ops']);
    const partitions = await store.listPartitions(SYNC_ID);
    expect(partitions.map((p) => p.status)).toEqual(['interrupted', 'pending', 'pending']);
    expect(partitions[0]?.recordsExpected).toBe(PAGES * PER_PAGE);
    const counts = await store.countRecordStates(SYNC_ID);
    expect(counts.synced).toBeGreaterThan(0);
    expect(counts.synced).toBeLessThan(3 * PAGES * PER_PAGE);
    expect((await store.getRun(SYNC_ID))?.status).toBe('cancelled');

    const resumed = await runPipeline(input(store, pagedSource(), { resume: true }));
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumeCount).toBe(1);
    expect(resumed.cancelRequest).toBeNull();
    expect(await store.getCancelRequest(SYNC_ID)).toBeNull();
    expect((await store.countRecordStates(SYNC_ID)).synced).toBe(3 * PAGES * PER_PAGE);
  });

  it('emits sync.pipeline.cancel_requested naming who asked', async () => {
    const store = new InMemoryRunStore();
    const t = testTelemetry();
    const source = pagedSource(async (_key, page) => {
      if (page === 2) await store.requestCancel(SYNC_ID, { requestedAt: new Date().toISOString(), requestedBy: 'token:ops' });
    });
    const run = await runPipeline(input(store, source, { telemetry: t.telemetry }));
    await t.settle();
    expect(run.status).toBe('cancelled');
    const events = t.lines.filter((l) => l.event === 'sync.pipeline.cancel_requested');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ requested_by: 'token:ops', sync_id: t.telemetry.syncId });
    expect(t.lines.find((l) => l.event === 'sync.pipeline.failed')).toMatchObject({ status: 'cancelled', cancelled_by: 'token:ops' });
  });

  it('saves each partition after every page, so another reader sees it advance', async () => {
    const store = new InMemoryRunStore();
    const snapshots: number[] = [];
    const source = pagedSource(async (key) => {
      if (key === 'o/a') snapshots.push((await store.listPartitions(SYNC_ID)).find((p) => p.partitionKey === 'o/a')?.records.synced ?? -1);
    });
    await runPipeline(input(store, source));
    expect(snapshots).toEqual([0, 5, 10, 15]);
  });
});

describe("a stop that a connector reports as its own abort error", () => {
  /** A source that waits between pages and, like a careless connector, lets the abort escape raw. */
  function abortingSource(stop: AbortSignal, onPage: (key: string, page: number) => void): Source {
    const inner = pagedSource();
    return {
      ...inner,
      async *readPartition(partition, cursor): AsyncIterable<SourcePage> {
        for await (const page of inner.readPartition(partition, cursor)) {
          onPage(partition.key, Number(page.nextCursor ?? PAGES + 1) - 1);
          if (stop.aborted) throw new DOMException('This operation was aborted', 'AbortError');
          yield page;
        }
      },
    };
  }

  it('interrupts the partition on a shutdown signal (resumable), not a failure with INTERNAL', async () => {
    const store = new InMemoryRunStore();
    const shutdown = new AbortController();
    const source = abortingSource(shutdown.signal, (key, page) => {
      if (key === 'o/a' && page === 2) shutdown.abort();
    });
    const run = await runPipeline(input(store, source, { signal: shutdown.signal }));
    expect(run.status).toBe('interrupted');
    const partitions = await store.listPartitions(SYNC_ID);
    expect(partitions.map((p) => p.status)).toEqual(['interrupted', 'pending', 'pending']);
    expect(partitions[0]).toMatchObject({ partitionKey: 'o/a', errorMessage: 'sync interrupted' });
    expect(run.records.failed).toBe(0);
    expect((await store.countRecordStates(SYNC_ID)).synced).toBe(PER_PAGE);

    const resumed = await runPipeline(input(store, pagedSource(), { resume: true }));
    expect(resumed.status).toBe('succeeded');
    expect((await store.countRecordStates(SYNC_ID)).synced).toBe(3 * PAGES * PER_PAGE);
  });

  it('ends a stored cancel request cancelled, whatever the connector threw on its aborted wait', async () => {
    const store = new InMemoryRunStore();
    const connectorStop = new AbortController();
    const inner = pagedSource();
    const source: Source = {
      ...inner,
      async *readPartition(partition, cursor): AsyncIterable<SourcePage> {
        for await (const page of inner.readPartition(partition, cursor)) {
          if (partition.key === 'o/a' && page.nextCursor === '3') {
            // Another process asks while this connector waits (a rate-limit reset far off): only
            // the abort the cancel triggers ends the wait, and it escapes raw.
            await store.requestCancel(SYNC_ID, { requestedAt: new Date().toISOString(), requestedBy: 'token:ops' });
            await new Promise((_resolve, reject) => connectorStop.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))));
          }
          yield page;
        }
      },
    };
    // As the wiring does: a cancel request aborts the connectors' waits.
    const run = await runPipeline(input(store, source, { onCancelRequested: () => connectorStop.abort(new Error('cancel requested')) }));
    expect(run.status).toBe('cancelled');
    const partitions = await store.listPartitions(SYNC_ID);
    expect(partitions.map((p) => p.status)).not.toContain('failed');
    expect(run.records.failed).toBe(0);
  });
});

describe('CancelWatch', () => {
  it('reads the store at most once per poll interval between batches', async () => {
    const store = new InMemoryRunStore();
    let reads = 0;
    const counting = Object.assign(Object.create(store) as InMemoryRunStore, {
      getCancelRequest: async (id: string) => {
        reads += 1;
        return store.getCancelRequest(id);
      },
    });
    const clock = new FakeClock();
    const watch = new CancelWatch({ store: counting, syncId: SYNC_ID, clock, pollMs: 1000 });
    expect(await watch.check()).toBe(false);
    expect(await watch.check()).toBe(false);
    expect(reads).toBe(1);
    clock.time += 1000;
    expect(await watch.check()).toBe(false);
    expect(reads).toBe(2);
  });

  it('reports a failed read and keeps watching', async () => {
    const failures: unknown[] = [];
    const broken = { getCancelRequest: async () => { throw new Error('database is locked'); } } as unknown as InMemoryRunStore;
    const watch = new CancelWatch({ store: broken, syncId: SYNC_ID, clock: new FakeClock(), pollMs: 0, onPollFailed: (e) => failures.push(e) });
    expect(await watch.check()).toBe(false);
    expect(await watch.check()).toBe(false);
    expect(failures).toHaveLength(2);
  });
});
