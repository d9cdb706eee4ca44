import { LineCounter, parseDocument } from 'yaml';
import type { KeyLocator } from './key-lines.js';

/** For YAML: the line of the node at `path`, or of its nearest parent. */
export function yamlKeyLocator(text: string): KeyLocator {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const pair = n > 0 ? keyNode(doc, path.slice(0, n)) : undefined;
      const offset = pair ?? node?.range?.[0];
      if (offset !== undefined) return counter.linePos(offset).line;
    }
    return undefined;
  };
}

function keyNode(doc: ReturnType<typeof parseDocument>, path: ReadonlyArray<string | number>): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | null)?.items;
  const key = items?.find((item) => item.key?.value === path.at(-1))?.key;
  return key?.range?.[0];
}

