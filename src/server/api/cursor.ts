import { z } from 'zod';
import type { RunCursor } from '../../ports/run-store.js';
import { invalid } from './problem.js';

/*
 * Opaque page cursors: base64url JSON of the last row's sort key. Clients pass them back as they
 * got them; a cursor that does not decode is a 400 naming `query.cursor`.
 */

const runCursor = z.object({ s: z.iso.datetime(), i: z.string().min(1).max(64) }).strict();
const keyCursor = z.object({ k: z.string().min(1).max(1024) }).strict();

export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.startedAt, i: cursor.syncId })).toString('base64url');
}

export function decodeRunCursor(text: string): RunCursor {
  const parsed = runCursor.safeParse(decode(text));
  if (!parsed.success) throw invalid([{ field: 'query.cursor', message: 'not a cursor this API returned' }]);
  return { startedAt: parsed.data.s, syncId: parsed.data.i };
}

export function encodeKeyCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeKeyCursor(text: string): string {
  const parsed = keyCursor.safeParse(decode(text));
  if (!parsed.success) throw invalid([{ field: 'query.cursor', message: 'not a cursor this API returned' }]);
  return parsed.data.k;
}

function decode(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
