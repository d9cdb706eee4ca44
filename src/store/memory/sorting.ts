/** A sort key: compared element by element, strings by code unit like SQL's binary collation. */
type SortKey = readonly (string | number)[];

/** Comparator ascending on the keys `keyOf` returns; negate a number for descending. */
export function byKeys<T>(keyOf: (item: T) => SortKey): (a: T, b: T) => number {
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const x = ka[i];
      const y = kb[i];
      if (x === undefined || y === undefined || x === y) continue;
      return x < y ? -1 : 1;
    }
    return ka.length - kb.length;
  };
}

/** The first `limit` items, or all when there is no limit. */
export function take<T>(items: T[], limit: number | undefined): T[] {
  return limit === undefined ? items : items.slice(0, limit);
}
