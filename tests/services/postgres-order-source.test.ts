import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PostgresOrderSource } from '../../src/connectors/sql-orders/postgres-order-source.js';
import { describeOrderSource } from '../contract/order-source.contract.js';

const url = process.env['SYNCSCOPE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describeOrderSource('PostgreSQL', async () => {
  const schema = `orders_${randomBytes(4).toString('hex')}`;
  const root = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(root);
  return {
    db: root.withSchema(schema),
    open: (options) => new PostgresOrderSource({ ...options, connectionString: url, schema }),
    cleanup: async () => {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(root);
      await root.destroy();
    },
  };
});
