import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ConfigError } from '../../errors/sync-error.js';
import { OrderTableSource, type OrderSourceOptions } from './order-source.js';
import type { OrderDatabase } from './order-table.js';

export interface SqliteOrderSourceOptions extends Omit<OrderSourceOptions, 'db' | 'connector' | 'schema' | 'caseInsensitiveNames'> {
  /** The SQLite file holding the order table (it must exist). */
  path: string;
}

/** The embedded order table: a SQLite file (the demo's, or a team's export of FACT_ORDER_LIST). */
export class SqliteOrderSource extends OrderTableSource {
  constructor(options: SqliteOrderSourceOptions) {
    let database: Database.Database;
    try {
      database = new Database(options.path, { fileMustExist: true, timeout: 5000 });
    } catch (error) {
      throw new ConfigError(`source.path: cannot open the order table file ${options.path}: ${(error as Error).message}`, { cause: error });
    }
    // WAL lets a reader (a report, a person with sqlite3) look at the table while a run writes it.
    database.pragma('journal_mode = WAL');
    super({ ...options, db: new Kysely<OrderDatabase>({ dialect: new SqliteDialect({ database }) }), connector: 'sqlite', caseInsensitiveNames: true });
  }
}
