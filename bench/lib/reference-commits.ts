import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BatchCommit } from '../../src/ports/run-store.js';
import { BATCH_COLUMNS, RECORD_STATE_COLUMNS, batchColumns, recordStateColumns } from '../../src/store/sql/record-tables.js';
import type { RecordStateColumn } from '../../src/store/sql/record-tables.js';
import { RunStoreSql } from '../../src/store/sql/run-store-sql.js';
import { numberPlaceholders, valuesIn } from '../../src/store/sql/sql-text.js';

/*
 * Other ways to commit a batch into the PostgreSQL run store's tables, measured beside
 * `PostgresRunStore.commitBatch` (bench `commit-batch`): the same transaction (batch row, record
 * states, checkpoint) with only the record states' statement done differently.
 */

export type CommitFn = (commit: BatchCommit) => Promise<void>;

const TYPES: Record<RecordStateColumn, string> = {
  sync_id: 'text', record_key: 'text', partition_key: 'text', entity: 'text', status: 'text',
  external_id: 'text', error_category: 'text', error_message: 'text', updated_at: 'timestamptz', request_id: 'text',
};
const COLUMNS = RECORD_STATE_COLUMNS.join(', ');
const UPDATES = RECORD_STATE_COLUMNS.filter((c) => c !== 'sync_id' && c !== 'record_key').map((c) => `${c} = excluded.${c}`).join(', ');

type StatesWriter = (client: pg.PoolClient, table: string, commit: BatchCommit) => Promise<void>;

function committer(pool: pg.Pool, schema: string, writeStates: StatesWriter): CommitFn {
  const sql = new RunStoreSql((name) => `"${schema}".${name}`);
  const table = `"${schema}".record_states`;
  return async (commit) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(numberPlaceholders(sql.upsertBatch), valuesIn(BATCH_COLUMNS, batchColumns(commit.batch)));
      await writeStates(client, table, commit);
      if (commit.checkpoint) {
        const { partitionKey, cursor } = commit.checkpoint;
        await client.query(numberPlaceholders(sql.upsertCheckpoint), [commit.batch.syncId, partitionKey, cursor, new Date().toISOString()]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
}

/** The statement before: every column one array parameter of `unnest`. */
export function unnestEveryColumn(pool: pg.Pool, schema: string): CommitFn {
  return committer(pool, schema, async (client, table, commit) => {
    const rows = commit.records.map(recordStateColumns);
    const arrays = RECORD_STATE_COLUMNS.map((c, i) => `$${i + 1}::${TYPES[c]}[]`).join(', ');
    await client.query(
      `INSERT INTO ${table} (${COLUMNS}) SELECT * FROM unnest(${arrays}) ON CONFLICT (sync_id, record_key) DO UPDATE SET ${UPDATES}`,
      RECORD_STATE_COLUMNS.map((c) => rows.map((row) => row[c])),
    );
  });
}

/** COPY (text format) into a temporary staging table, then one upsert from it. */
export function copyIntoStaging(pool: pg.Pool, schema: string): CommitFn {
  return committer(pool, schema, async (client, table, commit) => {
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS record_states_staging (LIKE ${table}) ON COMMIT DELETE ROWS`);
    let text = '';
    for (const state of commit.records) {
      const row = recordStateColumns(state);
      text += `${RECORD_STATE_COLUMNS.map((c) => copyText(row[c])).join('\t')}\n`;
    }
    await pipeline(Readable.from([text]), client.query(copyFrom(`COPY record_states_staging (${COLUMNS}) FROM STDIN`)));
    await client.query(`INSERT INTO ${table} (${COLUMNS}) SELECT ${COLUMNS} FROM record_states_staging
      ON CONFLICT (sync_id, record_key) DO UPDATE SET ${UPDATES}`);
  });
}

/** A value in COPY's text format: `\N` for null, backslash escapes for the separators. */
function copyText(value: string | number | boolean | null | Uint8Array): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
