import { deflateSync, inflateSync } from 'node:zlib';
import { SyncError } from '../../errors/sync-error.js';

/*
 * Audit bodies are JSON pages that repeat the same keys on every item: deflate keeps about a
 * fifth of them, and costs well under a millisecond for a 64 KiB body (only the calls the audit
 * keeps bodies of are compressed). The encoding is stored per row so another one can be added
 * later without rewriting old rows.
 */

export const BODY_ENCODING = 'deflate';

/** The redacted body, compressed; null stays null. */
export function encodeBody(text: string | null): Uint8Array | null {
  return text === null ? null : deflateSync(Buffer.from(text, 'utf8'));
}

/** The body text back from its stored bytes. */
export function decodeBody(encoding: string, bytes: Uint8Array | null, table: string): string | null {
  if (bytes === null) return null;
  if (encoding !== BODY_ENCODING) throw new SyncError('INTERNAL', `run store: ${table} body encoding "${encoding}" is unknown to this version`);
  try {
    return inflateSync(bytes).toString('utf8');
  } catch (error) {
    throw new SyncError('INTERNAL', `run store: ${table} holds a corrupt ${encoding} body`, { cause: error });
  }
}
