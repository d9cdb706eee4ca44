import type { Migration } from './migration.js';

/*
 * SQLite schema of the run store. Timestamps are ISO 8601 TEXT (they sort correctly as text),
 * JSON is TEXT, booleans are 0/1. Child tables reference `runs` with ON DELETE CASCADE; the store
 * also deletes children explicitly, so retention works even on a connection without
 * `PRAGMA foreign_keys`.
 */
const INITIAL: readonly string[] = [
  `CREATE TABLE runs (
    sync_id TEXT PRIMARY KEY,
    pipeline TEXT NOT NULL,
    options TEXT NOT NULL,
    started_at TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    root_span_id TEXT NOT NULL,
    retry_of TEXT,
    status TEXT NOT NULL,
    finished_at TEXT,
    duration_ms REAL,
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
    api_rate_limit_wait_seconds REAL NOT NULL DEFAULT 0,
    api_rate_limit_rejections INTEGER NOT NULL DEFAULT 0,
    error_category TEXT,
    error_message TEXT
  )`,
  'CREATE INDEX runs_started_at ON runs (started_at)',
  'CREATE INDEX runs_pipeline_started_at ON runs (pipeline, started_at)',
  `CREATE TABLE run_attempts (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    PRIMARY KEY (sync_id, attempt)
  )`,
  `CREATE TABLE partitions (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    partition_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    records_synced INTEGER NOT NULL DEFAULT 0,
    records_failed INTEGER NOT NULL DEFAULT 0,
    records_skipped INTEGER NOT NULL DEFAULT 0,
    records_pending INTEGER NOT NULL DEFAULT 0,
    batches_total INTEGER NOT NULL DEFAULT 0,
    batches_failed INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    duration_ms REAL,
    error_category TEXT,
    error_message TEXT,
    PRIMARY KEY (sync_id, partition_key)
  )`,
  `CREATE TABLE batches (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    batch_id TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    status TEXT NOT NULL,
    records INTEGER NOT NULL,
    synced INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    error_category TEXT,
    error_message TEXT,
    PRIMARY KEY (sync_id, batch_id)
  )`,
  // WITHOUT ROWID: the composite key is the only access path, so the table is the index.
  `CREATE TABLE record_states (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    record_key TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    entity TEXT NOT NULL,
    status TEXT NOT NULL,
    external_id TEXT,
    error_category TEXT,
    error_message TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (sync_id, record_key)
  ) WITHOUT ROWID`,
  // Serves countRecordStates (covering) and listing by status; failed records are few to sort.
  'CREATE INDEX record_states_sync_status ON record_states (sync_id, status)',
  `CREATE TABLE api_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    partition_key TEXT,
    connector TEXT NOT NULL,
    operation TEXT NOT NULL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    duration_ms REAL NOT NULL,
    attempt INTEGER NOT NULL,
    error_category TEXT,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    request_id TEXT,
    resource TEXT,
    cost REAL,
    rate_limit_remaining INTEGER,
    request_headers TEXT NOT NULL,
    request_body TEXT,
    response_body TEXT,
    truncated INTEGER NOT NULL,
    started_at TEXT NOT NULL
  )`,
  'CREATE INDEX api_calls_sync_id ON api_calls (sync_id)',
  `CREATE TABLE checkpoints (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    partition_key TEXT NOT NULL,
    cursor TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (sync_id, partition_key)
  )`,
];

/*
 * Version 3 (the service): runs belong to an organization and can be asked to cancel; partitions
 * carry the source's record estimate; failed records keep the provider's request ID; the latest
 * rate-limit state of each run's budgets is kept for ETAs. The (organization, started_at, sync_id)
 * index serves the API's keyset pagination.
 */
const SERVICE: readonly string[] = [
  "ALTER TABLE runs ADD COLUMN organization TEXT NOT NULL DEFAULT 'default'",
  'ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT',
  'ALTER TABLE runs ADD COLUMN cancel_requested_by TEXT',
  'CREATE INDEX runs_organization_started_at ON runs (organization, started_at, sync_id)',
  'ALTER TABLE partitions ADD COLUMN records_expected INTEGER',
  'ALTER TABLE record_states ADD COLUMN request_id TEXT',
  `CREATE TABLE run_rate_limits (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    connector TEXT NOT NULL,
    resource TEXT NOT NULL,
    limit_total INTEGER NOT NULL,
    remaining INTEGER NOT NULL,
    reset_at TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    PRIMARY KEY (sync_id, connector, resource)
  )`,
];

/** Version 4 (orders pipeline): what each batch's write changed on the destination (items, groups, labels). */
const DESTINATION_CHANGES: readonly string[] = [
  `CREATE TABLE destination_changes (
    sync_id TEXT NOT NULL REFERENCES runs (sync_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    external_id TEXT,
    action TEXT NOT NULL,
    scope TEXT,
    batch_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (sync_id, kind, name)
  )`,
  'CREATE INDEX destination_changes_partition ON destination_changes (sync_id, partition_key)',
];

/**
 * Version 5 (resume): who works on a sync now (a lease with a heartbeat, so two resumes of one sync
 * cannot run at once), and rate-limit holds that outlive the process (a resume waits them out).
 */
const LEASES_AND_HOLDS: readonly string[] = [
  `CREATE TABLE run_leases (
    sync_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    acquired_at TEXT NOT NULL
  )`,
  'ALTER TABLE run_rate_limits ADD COLUMN held_until TEXT',
  'ALTER TABLE run_rate_limits ADD COLUMN hold_reason TEXT',
];

/*
 * Version 8 (a small run store): audit bodies stored compressed (`body_encoding` names how; the
 * text columns stay for older rows), and the (sync_id, status) index of record states — a copy of
 * every record's key, ~70 bytes a record — replaced by a partial one of the records not synced:
 * failed, skipped and pending records are the few a reader lists by status; counting all of a
 * run's states scans its primary-key range instead.
 */
const SMALL_STORE: readonly string[] = [
  'ALTER TABLE api_calls ADD COLUMN body_encoding TEXT',
  'ALTER TABLE api_calls ADD COLUMN request_body_bin BLOB',
  'ALTER TABLE api_calls ADD COLUMN response_body_bin BLOB',
  'DROP INDEX record_states_sync_status',
  "CREATE INDEX record_states_unsynced ON record_states (sync_id, status) WHERE status <> 'synced'",
];

/** Every SQLite run-store migration, oldest first. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', statements: INITIAL },
  { version: 3, name: 'organizations, cancel requests, estimates, rate-limit states', statements: SERVICE },
  { version: 4, name: 'destination changes', statements: DESTINATION_CHANGES },
  { version: 5, name: 'run leases, persisted rate-limit holds', statements: LEASES_AND_HOLDS },
  { version: 8, name: 'compressed audit bodies, partial record-status index', statements: SMALL_STORE },
];
