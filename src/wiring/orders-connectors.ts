import type { OrdersPipelineConfig } from '../config/orders-pipeline-schema.js';
import { createInstrumentedFetch } from '../connectors/http/instrumented-fetch.js';
import { MondayClient } from '../connectors/monday/monday-client.js';
import { MondayDestination } from '../connectors/monday/monday-destination.js';
import { mondayPolicy } from '../connectors/monday/monday-policy.js';
import { fillTemplate, templateColumns } from '../connectors/monday/templates.js';
import type { OrderTableSettings, RequiredColumn } from '../connectors/sql-orders/order-table.js';
import { PostgresOrderSource } from '../connectors/sql-orders/postgres-order-source.js';
import { SqliteOrderSource } from '../connectors/sql-orders/sqlite-order-source.js';
import { ConfigError } from '../errors/sync-error.js';
import { DEFAULT_RETRY_POLICY } from '../scheduling/retry-policy.js';
import type { PipelineConnectors, PipelineContext, PlannedContainer } from './pipeline-connectors.js';

/**
 * The orders pipeline's adapters: the order table (SQLite or PostgreSQL) as source, with its
 * write-back; Monday.com through the instrumented fetch (spans, complexity budget, retries, audit)
 * as destination, built only when the run executes.
 */
export function ordersConnectors(config: OrdersPipelineConfig, ctx: PipelineContext): PipelineConnectors {
  const { source: s, destination: d } = config;
  if (ctx.execute && !ctx.token) {
    throw new ConfigError(`destination.token_env: environment variable ${d.token_env} is not set; an --execute run needs the Monday.com API token in it`);
  }
  const common = {
    settings: settingsOf(config),
    customers: s.customers,
    limit: s.limit,
    pageSize: s.page_size,
    execute: ctx.execute,
    resume: ctx.resume,
    syncId: ctx.telemetry.syncId,
    requiredColumns: requiredColumns(d),
  };
  let source: SqliteOrderSource | PostgresOrderSource;
  if (s.type === 'sqlite') source = new SqliteOrderSource({ ...common, path: s.path });
  else {
    if (!ctx.sourceUrl) throw new ConfigError(`source.url_env: environment variable ${s.url_env} is not set; it must hold the order database's connection string`);
    source = new PostgresOrderSource({ ...common, connectionString: ctx.sourceUrl, schema: s.schema });
  }
  const policy = mondayPolicy({ complexityPerMinute: d.complexity_per_minute, windowMs: d.complexity_window_seconds * 1000, now: () => ctx.clock.now() });
  const destination = ctx.execute
    ? new MondayDestination({
        config: d,
        skipSubitems: d.subitems === undefined,
        ...(ctx.mutationLock ? { mutationLock: ctx.mutationLock } : {}),
        client: new MondayClient({
          url: d.api_url,
          token: ctx.token as string,
          apiVersion: d.api_version,
          fetch: createInstrumentedFetch({
            policy,
            tokenId: ctx.tokenId,
            scheduler: ctx.scheduler,
            telemetry: ctx.telemetry,
            retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: config.api.max_attempts },
            requestTimeoutMs: config.api.request_timeout_ms,
            clock: ctx.clock,
            auditBodies: config.audit.bodies,
            auditSample: { first: config.audit.sample_first, every: config.audit.sample_every },
            signal: ctx.signal,
          }),
        }),
      })
    : undefined;
  return {
    connector: policy.connector,
    source,
    destination,
    recordedOptions: {
      source: { type: s.type, table: s.table, ...(s.type === 'sqlite' ? { path: s.path } : { schema: s.schema, url_env: s.url_env }) },
      destination: { type: d.type, api_url: ctx.redactor.url(d.api_url), board_id: d.board_id, group_name: d.group_name },
      selection: { customers: s.customers, limit: s.limit ?? null, subitems: d.subitems !== undefined },
    },
    readOptions: { table: s.table, customers: s.customers, limit: s.limit ?? null, page_size: s.page_size },
    plan: () => planOf(source, config),
  };
}

function settingsOf(config: OrdersPipelineConfig): OrderTableSettings {
  const { columns, write_back: wb, table, pending_states } = config.source;
  return {
    table,
    columns,
    writeBack: {
      state: wb.state,
      itemId: wb.item_id,
      groupId: wb.group_id,
      syncId: wb.sync_id,
      errorCategory: wb.error_category,
      errorMessage: wb.error_message,
      syncedAt: wb.synced_at,
      syncedState: wb.synced_state,
      failedState: wb.failed_state,
    },
    pendingStates: pending_states,
  };
}

/** Columns the destination reads: checked against the table before any row is touched. */
function requiredColumns(d: OrdersPipelineConfig['destination']): RequiredColumn[] {
  return [
    ...templateColumns(d.group_name).map((column) => ({ column, configKey: 'destination.group_name' })),
    ...templateColumns(d.item_name).map((column) => ({ column, configKey: 'destination.item_name' })),
    ...Object.entries(d.columns).map(([id, c]) => ({ column: c.source, configKey: `destination.columns.${id}.source` })),
    ...(d.subitems ? [{ column: d.subitems.source, configKey: 'destination.subitems.source' }] : []),
  ];
}

function planOf(source: SqliteOrderSource | PostgresOrderSource, config: OrdersPipelineConfig): PlannedContainer[] {
  return source.plan.groupsPlanned().map((g) => ({
    partition: g.customer,
    name: g.sample[0] ? fillTemplate(config.destination.group_name, g.sample[0]) : `${g.customer} ${g.season ?? ''}`.trim(),
    known: g.knownGroupId !== null,
    records: g.rows,
    creates: g.creates,
    updates: g.updates,
    sample: g.sample.map((order) => `${order.key} · ${fillTemplate(config.destination.item_name, order)}`),
  }));
}
