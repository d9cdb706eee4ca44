import type { Migration } from './migration.js';

/*
 * PostgreSQL schema of the run store, in a schema of the caller's choosing. Keys use
 * COLLATE "C" so ORDER BY gives the same byte order as SQLite whatever the database's locale,
 * and so their indexes serve those ORDER BYs. Timestamps are timestamptz, JSON is JSONB.
 */
function initial(s: string): string[] {
  const key = 'TEXT COLLATE "C" NOT NULL';
  const runRef = `${key} REFERENCES ${s}.runs (sync_id) ON DELETE CASCADE`;
  return [
    `CREATE TABLE ${s}.runs (
      sync_id ${key} PRIMARY KEY,
      pipeline TEXT NOT NULL,
      options JSONB NOT NULL,
      started_at TIMESTAMPTZ NOT NULL,
      trace_id TEXT NOT NULL,
      root_span_id TEXT NOT NULL,
      retry_of TEXT,
      status TEXT NOT NULL,
      finished_at TIMESTAMPTZ,
      duration_ms DOUBLE PRECISION,
      resume_count INTEGER NOT NULL DEFAULT 0,
      records_synced INTEGER NOT NULL DEFAULT 0,
      records_failed INTEGER NOT NULL DEFAULT 0,
      records_skipped INTEGER NOT NULL DEFAULT 0,
      records_pending INTEGER NOT NULL DEFAULT 0,
      partitions_total INTEGER NOT NULL DEFAULT 0,
      partitions_succeeded INTEGER NOT NULL DEFAULT 0,
      partitions_failed INTEGER NOT NULL DEFAULT 0,
      batches_total INTEGER NOT NULL DEFAULT 0,
      batches_succeeded INTEGER NOT NULL DEFAULT 0,
      batches_failed INTEGER NOT NULL DEFAULT 0,
      api_requests INTEGER NOT NULL DEFAULT 0,
      api_retries INTEGER NOT NULL DEFAULT 0,
      api_rate_limit_waits INTEGER NOT NULL DEFAULT 0,
      api_rate_limit_wait_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
      api_rate_limit_rejections INTEGER NOT NULL DEFAULT 0,
      error_category TEXT,
      error_message TEXT
    )`,
    `CREATE INDEX runs_started_at ON ${s}.runs (started_at)`,
    `CREATE INDEX runs_pipeline_started_at ON ${s}.runs (pipeline, started_at)`,
    `CREATE TABLE ${s}.run_attempts (
      sync_id ${runRef},
      attempt INTEGER NOT NULL,
      started_at TIMESTAMPTZ NOT NULL,
      finished_at TIMESTAMPTZ,
      status TEXT NOT NULL,
      trace_id TEXT NOT NULL,
      span_id TEXT NOT NULL,
      PRIMARY KEY (sync_id, attempt)
    )`,
    `CREATE TABLE ${s}.partitions (
      sync_id ${runRef},
      partition_key ${key},
      kind TEXT NOT NULL,
      status TEXT NOT NULL,
      records_synced INTEGER NOT NULL DEFAULT 0,
      records_failed INTEGER NOT NULL DEFAULT 0,
      records_skipped INTEGER NOT NULL DEFAULT 0,
      records_pending INTEGER NOT NULL DEFAULT 0,
      batches_total INTEGER NOT NULL DEFAULT 0,
      batches_failed INTEGER NOT NULL DEFAULT 0,
      started_at TIMESTAMPTZ,
      finished_at TIMESTAMPTZ,
      duration_ms DOUBLE PRECISION,
      error_category TEXT,
      error_message TEXT,
      PRIMARY KEY (sync_id, partition_key)
    )`,
    `CREATE TABLE ${s}.batches (
      sync_id ${runRef},
      batch_id ${key},
      partition_key ${key},
      sequence INTEGER NOT NULL,
      status TEXT NOT NULL,
      records INTEGER NOT NULL,
      synced INTEGER NOT NULL,
      failed INTEGER NOT NULL,
      attempt INTEGER NOT NULL,
      started_at TIMESTAMPTZ NOT NULL,
      duration_ms DOUBLE PRECISION NOT NULL,
      error_category TEXT,
      error_message TEXT,
      PRIMARY KEY (sync_id, batch_id)
    )`,
    `CREATE TABLE ${s}.record_states (
      sync_id ${runRef},
      record_key ${key},
      partition_key ${key},
      entity TEXT NOT NULL,
      status TEXT NOT NULL,
      external_id TEXT,
      error_category TEXT,
      error_message TEXT,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (sync_id, record_key)
    )`,
    `CREATE INDEX record_states_sync_status ON ${s}.record_states (sync_id, status)`,
    `CREATE TABLE ${s}.api_calls (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sync_id ${runRef},
      partition_key TEXT,
      connector TEXT NOT NULL,
      operation TEXT NOT NULL,
      method TEXT NOT NULL,
      route TEXT NOT NULL,
      url TEXT NOT NULL,
      status INTEGER,
      duration_ms DOUBLE PRECISION NOT NULL,
      attempt INTEGER NOT NULL,
      error_category TEXT,
      trace_id TEXT NOT NULL,
      span_id TEXT NOT NULL,
      request_id TEXT,
      resource TEXT,
      cost DOUBLE PRECISION,
      rate_limit_remaining INTEGER,
      request_headers JSONB NOT NULL,
      request_body TEXT,
      response_body TEXT,
      truncated BOOLEAN NOT NULL,
      started_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE INDEX api_calls_sync_id ON ${s}.api_calls (sync_id)`,
    `CREATE TABLE ${s}.checkpoints (
      sync_id ${runRef},
      partition_key ${key},
      cursor TEXT,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (sync_id, partition_key)
    )`,
  ];
}

/** Version 3 (the service): see sqlite-migrations.ts. */
function service(s: string): string[] {
  const key = 'TEXT COLLATE "C" NOT NULL';
  return [
    `ALTER TABLE ${s}.runs ADD COLUMN organization TEXT COLLATE "C" NOT NULL DEFAULT 'default'`,
    `ALTER TABLE ${s}.runs ADD COLUMN cancel_requested_at TIMESTAMPTZ`,
    `ALTER TABLE ${s}.runs ADD COLUMN cancel_requested_by TEXT`,
    `CREATE INDEX runs_organization_started_at ON ${s}.runs (organization, started_at, sync_id)`,
    `ALTER TABLE ${s}.partitions ADD COLUMN records_expected INTEGER`,
    `ALTER TABLE ${s}.record_states ADD COLUMN request_id TEXT`,
    `CREATE TABLE ${s}.run_rate_limits (
      sync_id ${key} REFERENCES ${s}.runs (sync_id) ON DELETE CASCADE,
      connector ${key},
      resource ${key},
      limit_total INTEGER NOT NULL,
      remaining INTEGER NOT NULL,
      reset_at TIMESTAMPTZ NOT NULL,
      observed_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (sync_id, connector, resource)
    )`,
  ];
}

/** Version 4 (orders pipeline): what each batch's write changed on the destination (items, groups, labels). */
function destinationChanges(s: string): string[] {
  const key = 'TEXT COLLATE "C" NOT NULL';
  return [
    `CREATE TABLE ${s}.destination_changes (
      sync_id ${key} REFERENCES ${s}.runs (sync_id) ON DELETE CASCADE,
      kind ${key},
      name ${key},
      partition_key ${key},
      external_id TEXT,
      action TEXT NOT NULL,
      scope JSONB,
      batch_id TEXT NOT NULL,
      recorded_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (sync_id, kind, name)
    )`,
    `CREATE INDEX destination_changes_partition ON ${s}.destination_changes (sync_id, partition_key)`,
  ];
}

/** Version 5 (resume): run leases and persisted rate-limit holds (see the SQLite migration). */
function leasesAndHolds(s: string): string[] {
  return [
    `CREATE TABLE ${s}.run_leases (
      sync_id TEXT COLLATE "C" PRIMARY KEY,
      owner TEXT NOT NULL,
      heartbeat_at TIMESTAMPTZ NOT NULL,
      acquired_at TIMESTAMPTZ NOT NULL
    )`,
    `ALTER TABLE ${s}.run_rate_limits ADD COLUMN held_until TIMESTAMPTZ`,
    `ALTER TABLE ${s}.run_rate_limits ADD COLUMN hold_reason TEXT`,
  ];
}

/** Version 8 (a small run store): see the SQLite migration of the same version. */
function smallStore(s: string): string[] {
  return [
    `ALTER TABLE ${s}.api_calls ADD COLUMN body_encoding TEXT`,
    `ALTER TABLE ${s}.api_calls ADD COLUMN request_body_bin BYTEA`,
    `ALTER TABLE ${s}.api_calls ADD COLUMN response_body_bin BYTEA`,
    `DROP INDEX ${s}.record_states_sync_status`,
    `CREATE INDEX record_states_unsynced ON ${s}.record_states (sync_id, status) WHERE status <> 'synced'`,
  ];
}

/** Every PostgreSQL run-store migration, oldest first, for `schema` (an already quoted identifier). */
export function postgresMigrations(schema: string): Migration[] {
  return [
    { version: 1, name: 'initial schema', statements: initial(schema) },
    { version: 3, name: 'organizations, cancel requests, estimates, rate-limit states', statements: service(schema) },
    { version: 4, name: 'destination changes', statements: destinationChanges(schema) },
    { version: 5, name: 'run leases, persisted rate-limit holds', statements: leasesAndHolds(schema) },
    { version: 8, name: 'compressed audit bodies, partial record-status index', statements: smallStore(schema) },
  ];
}
