import { setFlagsFromString } from 'node:v8';

/** How far the old generation may grow past what the last full collection kept: factor 1 + this / 100. */
export const HEAP_GROWING_PERCENT = 50;
/**
 * When the limit starts. Start-up fills the old generation with what stays (compiled code, the
 * SDKs); limited from the first millisecond, V8 ran extra full collections while loading it,
 * 30–50 ms more to the first API request. A sync's garbage piles up only after that.
 */
export const HEAP_LIMIT_DELAY_MS = 750;

const FLAG_NAMES = ['--heap-growing-percent', '--heap_growing_percent'];

/**
 * The V8 flag Syncscope's processes set at start-up, or undefined when the user chose their own
 * (in the node options or NODE_OPTIONS), which wins.
 */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string): string | undefined {
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => FLAG_NAMES.some((name) => arg.startsWith(name)));
  return chosen ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Keeps a sync's peak memory near its live heap. On a host with plenty of memory V8 lets the old
 * generation grow to about 4× what the last full collection kept before collecting again, and a
 * sync promotes a steady stream of short-lived objects (pages and records waiting for their batch,
 * audit rows): 230 MB of RSS at 100k records for a live heap near 26 MB. A factor of 1.5 brings
 * that to about 190 MB for a few more full collections of ~10 ms each. V8 reads the flag at every
 * full collection, so setting it once the process runs takes effect.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): void {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag) setFlagsFromString(flag);
}

/** `limitHeapGrowth` once start-up is over (HEAP_LIMIT_DELAY_MS); never keeps the process alive. */
export function limitHeapGrowthAfterStartUp(): void {
  setTimeout(() => limitHeapGrowth(), HEAP_LIMIT_DELAY_MS).unref();
}
