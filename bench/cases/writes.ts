import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrateDestination } from '../../src/connectors/sqlite/destination-migrations.js';
import { SqliteDestination } from '../../src/connectors/sqlite/sqlite-destination.js';
import type { Partition, SourceRecord } from '../../src/ports/records.js';
import { pullRequest, type RepoContext } from '../../src/simulator/github/pull-requests.js';
import { perRecordSavepoints, perRecordStatements, type BatchWriterFn } from '../lib/reference-writers.js';
import type { BenchFigure } from '../lib/report.js';
import { list, median } from '../lib/stats.js';

const RECORDS = 50_000;
const BATCH = 100;
const ROUNDS = 3;
const SYNCED_AT = '2026-11-23T14:05:00.000Z';

type Variant = 'destination' | 'per-record savepoints' | 'per-record statements';

/**
 * CPU per record of the SQLite destination's batch writes (50,000 simulated pull requests in
 * batches of 100, then the same batches again: created, then updated), against two other ways to
 * write the same rows with the same validation: the per-record path it replaced (a `SELECT 1` and
 * a savepoint per record) and the same set-wise lookup followed by one single-row upsert per
 * record without savepoints. In-process, each variant on its own fresh file (WAL, synchronous
 * NORMAL, as the destination opens it), interleaved round by round after a warm-up round.
 */
export async function writes(): Promise<BenchFigure[]> {
  const batches = simulatedBatches();
  const cpu: Record<Variant, { create: number[]; update: number[] }> = {
    destination: { create: [], update: [] },
    'per-record savepoints': { create: [], update: [] },
    'per-record statements': { create: [], update: [] },
  };
  for (let round = -1; round < ROUNDS; round++) {
    const variants = Object.keys(cpu) as Variant[];
    // Each round starts with another variant, so warm-up and drift fall on each in turn.
    const first = Math.max(0, round) % variants.length;
    for (const variant of [...variants.slice(first), ...variants.slice(0, first)]) {
      const measured = await measure(variant, batches);
      if (round < 0) continue;
      cpu[variant].create.push(measured.create);
      cpu[variant].update.push(measured.update);
    }
  }
  const perRecord = (v: Variant, pass: 'create' | 'update') => median(cpu[v][pass]);
  const ratio = (other: Variant) => (perRecord('destination', 'create') + perRecord('destination', 'update')) / (perRecord(other, 'create') + perRecord(other, 'update'));
  const note = (v: Variant) => `created ${list(cpu[v].create, 1, 2)} µs, updated ${list(cpu[v].update, 1, 2)} µs per record (${ROUNDS} rounds)`;
  const vsSavepoints = ratio('per-record savepoints');
  const vsStatements = ratio('per-record statements');
  return [
    { case: 'writes', metric: 'SQLite destination CPU per record, created', value: perRecord('destination', 'create'), unit: 'µs', note: `${RECORDS} pull requests in batches of ${BATCH}; ${note('destination')}` },
    { case: 'writes', metric: 'SQLite destination CPU per record, updated', value: perRecord('destination', 'update'), unit: 'µs' },
    { case: 'writes', metric: 'destination / per-record savepoints (the previous writes)', value: vsSavepoints, unit: '×', target: '< 1', pass: vsSavepoints < 1, note: note('per-record savepoints') },
    { case: 'writes', metric: 'destination / a single-row upsert per record, no savepoints', value: vsStatements, unit: '×', target: '≤ 1', pass: vsStatements <= 1, note: note('per-record statements') },
  ];
}

async function measure(variant: Variant, batches: SourceRecord[][]): Promise<{ create: number; update: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-writes-'));
  const path = join(dir, 'github.db');
  try {
    const write = await writerFor(variant, path);
    try {
      const pass = async () => {
        const started = process.cpuUsage();
        let created = 0;
        let updated = 0;
        for (const batch of batches) {
          const [c, u] = await write.batch(batch);
          created += c;
          updated += u;
        }
        const used = process.cpuUsage(started);
        return { microsPerRecord: (used.user + used.system) / RECORDS, created, updated };
      };
      const create = await pass();
      const update = await pass();
      if (create.created !== RECORDS || update.updated !== RECORDS) {
        throw new Error(`writes: ${variant} counted ${create.created} created, ${update.updated} updated of ${RECORDS}`);
      }
      return { create: create.microsPerRecord, update: update.microsPerRecord };
    } finally {
      write.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writerFor(variant: Variant, path: string): Promise<{ batch: (records: SourceRecord[]) => Promise<[number, number]>; close: () => void }> {
  if (variant === 'destination') {
    const destination = new SqliteDestination({ path, clock: { now: () => Date.parse(SYNCED_AT) } });
    const partition: Partition = { key: 'bench/repo', kind: 'repo' };
    return {
      batch: async (records) => {
        const result = await destination.writeBatch(partition, records);
        if (result.failures.length > 0) throw new Error(`writes: ${result.failures[0]?.message}`);
        return [result.created, result.updated];
      },
      close: () => void destination.close(),
    };
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrateDestination(db);
  const fn: BatchWriterFn = variant === 'per-record savepoints' ? perRecordSavepoints(db) : perRecordStatements(db);
  return { batch: async (records) => fn(records, SYNCED_AT), close: () => db.close() };
}

/** The simulator's pull requests as the GitHub source hands them over, 10 repositories' worth. */
function simulatedBatches(): SourceRecord[][] {
  const perRepo = RECORDS / 10;
  const records: SourceRecord[] = [];
  for (let r = 1; r <= 10; r++) {
    const ctx: RepoContext = { seed: 42, org: 'bench', repoIndex: r, repoName: `repo-${r}`, prsPerRepo: perRepo, reviewCount: () => 0, openCount: 50 };
    for (let n = 1; n <= perRepo; n++) {
      const fullName = `bench/repo-${r}`;
      records.push({ key: `${fullName}#${n}`, entity: 'pull_request', data: { ...pullRequest(ctx, n), repo_full_name: fullName } });
    }
  }
  return Array.from({ length: RECORDS / BATCH }, (_, i) => records.slice(i * BATCH, (i + 1) * BATCH));
}
