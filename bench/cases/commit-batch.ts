import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { BatchCommit, RecordStateRow, RunRow } from '../../src/ports/run-store.js';
import { PostgresRunStore } from '../../src/store/postgres/postgres-run-store.js';
import { copyIntoStaging, unnestEveryColumn, type CommitFn } from '../lib/reference-commits.js';
import type { BenchFigure } from '../lib/report.js';
import { median } from '../lib/stats.js';

const STATES = 1000;
const ROUNDS = 30;
const WARM_UP = 3;
const SYNC_ID = '202611231405-SYNC-BE7C4000';

type Variant = 'store' | 'unnest, every column an array' | 'COPY into a staging table';

/**
 * The PostgreSQL run store's `commitBatch` at 1,000 record states a batch (the batch row, the
 * states — 1% failed with a message — and the checkpoint, in one transaction), against the same
 * transaction with the states written by `unnest` with every column an array (the statement
 * before) and by COPY into a temporary staging table then one upsert. Batch by batch, the
 * variants take turns; wall time per commit (the database's work included) and the bench
 * process's CPU (what the sync process would spend). Needs PostgreSQL at SYNCSCOPE_BENCH_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test); the tables go into a schema of their own.
 */
export async function commitBatch(): Promise<BenchFigure[]> {
  const url = process.env['SYNCSCOPE_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = new PostgresRunStore({ connectionString: url, schema, maxConnections: 2 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await store.migrate().catch((error: unknown) => {
      throw new Error(`commit-batch needs PostgreSQL at ${url} (SYNCSCOPE_BENCH_PG_URL): ${String(error)}`);
    });
    await store.createRun(benchRun());
    const commit: Record<Variant, CommitFn> = {
      store: (c) => store.commitBatch(c),
      'unnest, every column an array': unnestEveryColumn(pool, schema),
      'COPY into a staging table': copyIntoStaging(pool, schema),
    };
    const variants = Object.keys(commit) as Variant[];
    const wall: Record<Variant, number[]> = { store: [], 'unnest, every column an array': [], 'COPY into a staging table': [] };
    const cpu: Record<Variant, number[]> = { store: [], 'unnest, every column an array': [], 'COPY into a staging table': [] };
    let sequence = 0;
    for (let round = -WARM_UP; round < ROUNDS; round++) {
      const first = (round + WARM_UP) % variants.length;
      for (const variant of [...variants.slice(first), ...variants.slice(0, first)]) {
        const batch = aCommit(++sequence);
        const cpuStarted = process.cpuUsage();
        const started = performance.now();
        await commit[variant](batch);
        const elapsed = performance.now() - started;
        const used = process.cpuUsage(cpuStarted);
        if (round < 0) continue;
        wall[variant].push(elapsed);
        cpu[variant].push((used.user + used.system) / 1000);
      }
    }
    const stored = await pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${schema}".record_states`);
    if (Number(stored.rows[0]?.n) !== sequence * STATES) throw new Error(`commit-batch: ${stored.rows[0]?.n} states stored of ${sequence * STATES}`);
    const ms = (v: Variant) => median(wall[v]);
    const cpuMs = (v: Variant) => median(cpu[v]);
    const figures: BenchFigure[] = [{
      case: 'commit-batch',
      metric: `PostgreSQL commitBatch, ${STATES} record states`,
      value: ms('store'),
      unit: 'ms',
      note: `median of ${ROUNDS}, variants taking turns batch by batch; client CPU ${cpuMs('store').toFixed(2)} ms a commit`,
    }];
    for (const other of variants.slice(1)) {
      const ratio = ms('store') / ms(other);
      figures.push({
        case: 'commit-batch',
        metric: `store / ${other} (wall)`,
        value: ratio,
        unit: '×',
        target: '≤ 1',
        pass: ratio <= 1,
        note: `${other}: ${ms(other).toFixed(1)} ms a commit, client CPU ${cpuMs(other).toFixed(2)} ms (store / it: ${(cpuMs('store') / cpuMs(other)).toFixed(2)}×)`,
      });
    }
    return figures;
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await pool.end();
    await store.close();
  }
}

function aCommit(sequence: number): BatchCommit {
  const partitionKey = `bench/repo-${String(sequence).padStart(4, '0')}`;
  const updatedAt = new Date().toISOString();
  const records: RecordStateRow[] = Array.from({ length: STATES }, (_, i) => {
    const failed = i % 100 === 42;
    return {
      syncId: SYNC_ID,
      recordKey: `${partitionKey}#${i + 1}`,
      partitionKey,
      entity: 'pull_request',
      status: failed ? 'failed' : 'synced',
      externalId: failed ? null : String(1_800_000_000 + sequence * STATES + i),
      errorCategory: failed ? 'VALIDATION_ERROR' : null,
      errorMessage: failed ? `invalid pull_request ${partitionKey}#${i + 1}: missing head.ref` : null,
      requestId: failed ? `REQ-${sequence}-${i}` : null,
      updatedAt,
    };
  });
  const failed = records.filter((r) => r.status === 'failed').length;
  return {
    batch: {
      syncId: SYNC_ID, partitionKey, batchId: `${partitionKey}#1`, sequence: 1, status: 'failure', records: STATES,
      synced: STATES - failed, failed, attempt: 1, startedAt: updatedAt, durationMs: 40, errorCategory: 'VALIDATION_ERROR', errorMessage: null,
    },
    records,
    checkpoint: { partitionKey, cursor: '11' },
  };
}

function benchRun(): RunRow {
  return {
    syncId: SYNC_ID, pipeline: 'bench', status: 'running', options: {}, startedAt: new Date().toISOString(), finishedAt: null,
    durationMs: null, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', rootSpanId: '00f067aa0ba902b7', resumeCount: 0, retryOf: null, organization: 'default', cancelRequest: null,
    records: { synced: 0, failed: 0, skipped: 0, pending: 0 }, partitions: { total: 0, succeeded: 0, failed: 0 },
    batches: { total: 0, succeeded: 0, failed: 0 },
    api: { requests: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitSeconds: 0, rateLimitRejections: 0 },
    errorCategory: null, errorMessage: null,
  };
}
