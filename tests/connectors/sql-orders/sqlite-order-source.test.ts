import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { join } from 'node:path';
import { SqliteOrderSource } from '../../../src/connectors/sql-orders/sqlite-order-source.js';
import { describeOrderSource } from '../../contract/order-source.contract.js';
import { tempDir } from '../../helpers/cli.js';

describeOrderSource('SQLite', async () => {
  const tmp = tempDir();
  const path = join(tmp.dir, 'orders.db');
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  return {
    db,
    open: (options) => new SqliteOrderSource({ ...options, path }),
    cleanup: async () => {
      await db.destroy();
      tmp.cleanup();
    },
  };
});
