/** Finds the line a config key is written on, so an error can name it. `undefined` when unknown. */
export type KeyLocator = (path: ReadonlyArray<string | number>) => number | undefined;

/**
 * For TOML: every key's line from its table headers (`[a.b]`, `[[a.b]]`), dotted keys and inline
 * tables, found by scanning the text (smol-toml keeps no positions). A path not written in the
 * file (a default) falls back to its nearest written parent.
 */
export function tomlKeyLocator(text: string): KeyLocator {
  const lines = new Map<string, number>();
  const arrayIndex = new Map<string, number>();
  let table: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header?.[1]) {
      table = splitKey(header[1]);
      if (line.startsWith('[[')) {
        const at = (arrayIndex.get(table.join('.')) ?? -1) + 1;
        arrayIndex.set(table.join('.'), at);
        table = [...table, String(at)];
      }
      remember(lines, table, index + 1);
      return;
    }
    const assignment = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=(.*)$/.exec(line);
    if (!assignment?.[1]) return;
    const path = [...table, ...splitKey(assignment[1])];
    remember(lines, path, index + 1);
    // Keys of an inline table on the same line: `value_map = { Cancelled = "CANCELLED" }`.
    for (const inner of (assignment[2] ?? '').matchAll(/[{,]\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=/g)) {
      if (inner[1]) remember(lines, [...path, unquote(inner[1])], index + 1);
    }
  });
  return (path) => nearest(lines, path.map(String));
}

function remember(lines: Map<string, number>, path: string[], line: number): void {
  const key = path.join('\u0000');
  if (!lines.has(key)) lines.set(key, line);
}

function nearest(lines: Map<string, number>, path: string[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(path.slice(0, n).join('\u0000'));
    if (line !== undefined) return line;
  }
  return undefined;
}

function splitKey(key: string): string[] {
  return [...key.matchAll(/"([^"]*)"|'([^']*)'|([^.\s]+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function unquote(key: string): string {
  return key.replace(/^["']|["']$/g, '');
}
