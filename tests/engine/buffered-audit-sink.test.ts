import { describe, expect, it } from 'vitest';
import { BufferedAuditSink } from '../../src/engine/buffered-audit-sink.js';
import type { ApiCallRow, RunStore } from '../../src/ports/run-store.js';

function row(i: number, bodyBytes = 0): ApiCallRow {
  return {
    syncId: '202611231200-SYNC-0000000A',
    partitionKey: 'org/repo',
    connector: 'github',
    operation: 'pulls.list',
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls',
    url: `https://api.example/repos/org/repo/pulls?page=${i}`,
    status: 200,
    durationMs: 1,
    attempt: 1,
    errorCategory: null,
    traceId: 't'.repeat(32),
    spanId: 's'.repeat(16),
    requestId: null,
    resource: 'core',
    cost: 1,
    rateLimitRemaining: 100,
    requestHeaders: {},
    requestBody: null,
    responseBody: bodyBytes > 0 ? 'x'.repeat(bodyBytes) : null,
    truncated: false,
    startedAt: new Date(0).toISOString(),
  };
}

/** A store that records the batches it was given, or refuses them while `failing`. */
function fakeStore() {
  const batches: number[][] = [];
  const state = { failing: false };
  const store = {
    recordApiCalls: async (rows: ApiCallRow[]) => {
      if (state.failing) throw new Error('disk full');
      batches.push(rows.map((r) => Number(new URL(r.url).searchParams.get('page'))));
    },
  } as unknown as RunStore;
  return { store, batches, state };
}

/** Records a row as an API call's completion does: on its own turn of the event loop. */
async function recordApart(sink: BufferedAuditSink, r: ApiCallRow): Promise<void> {
  sink.record(r);
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('BufferedAuditSink', () => {
  it('writes a batch at batchSize rows', async () => {
    const { store, batches } = fakeStore();
    const sink = new BufferedAuditSink(store, () => {}, { batchSize: 3 });
    for (let i = 0; i < 7; i++) await recordApart(sink, row(i));
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5]]);
    await sink.flush();
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('writes early when the bodies reach batchBytes, so large bodies are not held by the hundred', async () => {
    const { store, batches } = fakeStore();
    const sink = new BufferedAuditSink(store, () => {}, { batchSize: 500, batchBytes: 100_000 });
    for (let i = 0; i < 5; i++) await recordApart(sink, row(i, 40_000));
    expect(batches).toEqual([[0, 1, 2]]);
  });

  it('keeps rows the store refused for the next flush, within the byte bound, and reports the dropped ones', async () => {
    const { store, batches, state } = fakeStore();
    const dropped: number[] = [];
    const sink = new BufferedAuditSink(store, (_error, n) => dropped.push(n), { batchSize: 500, batchBytes: 1_000_000, maxPendingBytes: 100_000 });
    state.failing = true;
    for (let i = 0; i < 4; i++) sink.record(row(i, 40_000));
    await sink.flush();
    expect(dropped).toEqual([2]);
    state.failing = false;
    await sink.flush();
    expect(batches).toEqual([[0, 1]]);
  });
});

describe('BufferedAuditSink on a slow run', () => {
  it('writes a row within maxDelayMs even when no batch fills up', async () => {
    const { store, batches } = fakeStore();
    const sink = new BufferedAuditSink(store, () => {}, { batchSize: 500, maxDelayMs: 20 });
    sink.record(row(1));
    sink.record(row(2));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(batches).toEqual([[1, 2]]);
    await sink.flush();
    expect(batches).toEqual([[1, 2]]);
  });
});
