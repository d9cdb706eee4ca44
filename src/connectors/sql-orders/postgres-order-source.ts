import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { OrderTableSource, type OrderSourceOptions } from './order-source.js';
import type { OrderDatabase } from './order-table.js';
import { orderTableError } from './source-errors.js';

export interface PostgresOrderSourceOptions extends Omit<OrderSourceOptions, 'db' | 'connector' | 'caseInsensitiveNames'> {
  /** Connection string, read from the environment variable the config names. */
  connectionString: string;
  schema: string;
  /** Pool size (default 4: one query at a time per partition). */
  maxConnections?: number;
  onBackgroundError?: (error: Error) => void;
}

/** The production order table in PostgreSQL, in the configured schema. */
export class PostgresOrderSource extends OrderTableSource {
  constructor(options: PostgresOrderSourceOptions) {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    // Without a listener, an idle connection's error (a server restart) would crash the process.
    pool.on('error', (error) => (options.onBackgroundError ?? ((e: Error) => process.emitWarning(e)))(orderTableError(error, 'idle connection', options.settings.table)));
    const db = new Kysely<OrderDatabase>({ dialect: new PostgresDialect({ pool }) }).withSchema(options.schema);
    super({ ...options, db, connector: 'postgres', caseInsensitiveNames: false });
  }
}
