import { GraphQLError } from 'graphql';

/**
 * GitHub's cursor connections: `first`/`after` forward, `last`/`before` backward, opaque cursors,
 * `pageInfo` and `totalCount`. The simulator's collections are fixed, so a cursor only has to
 * name a position; it is base64 like GitHub's (`cursor:v2:…`) so clients treat it as opaque.
 * https://docs.github.com/graphql/guides/using-pagination-in-the-graphql-api
 */

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface Connection<T> {
  totalCount: number;
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

const PREFIX = 'cursor:v2:';

/** The cursor of the item at 0-based `index`: it encodes the 1-based position. */
export function cursorAt(index: number): string {
  return Buffer.from(`${PREFIX}${index + 1}`).toString('base64');
}

/** An error GitHub reports with a top-level `type` (NOT_FOUND, INVALID_CURSOR_ARGUMENTS, ...). */
export function githubError(message: string, type: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

/** The 1-based position a cursor names, or a GitHub-worded error. */
function position(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const match = text.startsWith(PREFIX) ? /^\d+$/.exec(text.slice(PREFIX.length)) : null;
  if (!match || Buffer.from(text).toString('base64') !== cursor) {
    throw githubError(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
  }
  return Number(match[0]);
}

/**
 * One page of a collection of `total` items, built without touching the items outside it. The
 * `first`/`last` bounds are checked before execution (see cost.ts), as GitHub does.
 */
export function connection<T>(total: number, itemAt: (index: number) => T, args: ConnectionArgs): Connection<T> {
  let start = 0;
  let end = total;
  if (args.after != null) start = Math.min(total, position(args.after));
  if (args.before != null) end = Math.max(start, Math.min(end, position(args.before) - 1));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const edges: Array<{ cursor: string; node: T }> = [];
  for (let i = start; i < end; i += 1) edges.push({ cursor: cursorAt(i), node: itemAt(i) });
  return {
    totalCount: total,
    nodes: edges.map((edge) => edge.node),
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: end < total,
      hasPreviousPage: start > 0,
    },
  };
}
