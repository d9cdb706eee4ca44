import { SyncError } from '../../errors/sync-error.js';

/**
 * A REST partition's checkpoint, independent of the page size: `offset:<n>`, the number of pull
 * requests of the partition's list (sorted by creation, ascending) already consumed. A page number
 * alone would mean something else once `per_page` changed between the crash and the resume
 * (issue #10: 50–100 of 1,000 records lost silently).
 */
const OFFSET = /^offset:(\d+)$/;
/** Checkpoints written before offsets: the next page number, bare (`3`) or prefixed (`page:3`). */
const LEGACY_PAGE = /^(?:page:)?(\d+)$/;

/** Where to start reading: the page to ask for and how many records of it were already consumed. */
export interface RestStart {
  page: number;
  skip: number;
  /** Records consumed before `page` + `skip`, i.e. the offset itself. */
  offset: number;
}

export function offsetCursor(consumed: number): string {
  return `offset:${consumed}`;
}

/**
 * Derives the first page and the records to skip on it from a checkpoint. A legacy page cursor is
 * read with the current page size: runs that stored one recorded no page size to do better with.
 */
export function restStart(cursor: string | undefined, perPage: number): RestStart {
  if (cursor === undefined) return { page: 1, skip: 0, offset: 0 };
  const offset = OFFSET.exec(cursor)?.[1];
  if (offset !== undefined) {
    const n = Number(offset);
    return { page: Math.floor(n / perPage) + 1, skip: n % perPage, offset: n };
  }
  const legacy = LEGACY_PAGE.exec(cursor)?.[1];
  if (legacy !== undefined && Number(legacy) >= 1) {
    const page = Number(legacy);
    return { page, skip: 0, offset: (page - 1) * perPage };
  }
  throw new SyncError('VALIDATION_ERROR', `checkpoint "${cursor}" is not a REST position (offset:<n>): was this sync read in GraphQL mode?`);
}
