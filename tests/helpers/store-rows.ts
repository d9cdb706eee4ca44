import type Database from 'better-sqlite3';
import { inflateSync } from 'node:zlib';

/**
 * Rows of a run-store query with audit bodies as the readers see them: a row written compressed
 * (`body_encoding`, migration 8) gets its `request_body` / `response_body` text back, so a test
 * asserts (and scans for secrets) what `show`, reports and the API would show.
 */
export function decodedRows(db: Database.Database, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const rows = db.prepare(sql).all(...params) as Record<string, unknown>[];
  return rows.map((row) => {
    if (row.body_encoding !== 'deflate') return row;
    const text = (bytes: unknown) => (bytes instanceof Uint8Array ? inflateSync(bytes).toString('utf8') : null);
    const { request_body_bin: requestBin, response_body_bin: responseBin, ...rest } = row;
    return { ...rest, request_body: text(requestBin), response_body: text(responseBin) };
  });
}
