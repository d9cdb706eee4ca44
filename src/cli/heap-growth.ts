import { setFlagsFromString } from 'node:v8';

/** How far the old generation may grow past what the last full collection kept: factor 1 + this / 100. */
export const HEAP_GROWING_PERCENT = 50;
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
 * full collection, so setting it once the process runs takes effect — but only from the next one:
 * set late, it missed the first, and the first limit (V8's own, generous) held the peak up.
 * It is set first thing. It used to wait 750 ms, when start-up parsed and compiled the ES module
 * bundle's 3 MB and the limit cost that 30–50 ms of extra full collections; the CommonJS bundle
 * with its compile cache (packaging/) allocates too little for that to show (first API request
 * 0.21–0.25 s either way, cache or none), and waiting raised a 100k-record sync's peak RSS from
 * 145 to 177 MB because no full collection came between the flag and the sync's garbage.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): void {
  const flag = heapGrowthFlag(execArgv, nodeOptions);
  if (flag) setFlagsFromString(flag);
}

