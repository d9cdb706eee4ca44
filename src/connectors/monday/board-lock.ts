/**
 * The mutation-lock key of a board. Monday documents that concurrent mutations on one board can
 * corrupt its data, so every write to a board (groups, items, subitems, labels) holds this key's
 * lock — shared by every worker in distributed mode — while its reads (lookups) overlap. Named by
 * the board alone: the same board is the same lock whatever token writes to it.
 */
export function boardLockKey(boardId: string): string {
  return `monday:board:${boardId}`;
}
