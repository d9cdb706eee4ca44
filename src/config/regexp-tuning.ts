/**
 * What V8 tunes a regex's machine code on: a text with one character, one-byte and two-byte.
 * See `tunedForScanning`.
 */
const NEUTRAL_SAMPLES = ['x', 'x\u2713'];

/**
 * Compiles `pattern` to machine code now, tuned on a text with nothing to go by, and returns it.
 *
 * V8 compiles a regex to machine code on its second run, once for one-byte and once for two-byte
 * text, and tunes the skip tables that let the code jump through a text to the characters of the
 * text it ran on then; the code stays for the process. So a pattern's speed on 64 KiB API bodies
 * depended on what the process happened to redact first: tuned on an event's `succeeded` (with
 * telemetry on, events come first), `\bsk_(?:live|test)_…` scanned every later body 4× slower
 * (41 against 9.5 µs a page; callgrind counted 100 M more instructions in two such patterns in a
 * 12,000-record sync than with telemetry off). Tuned on one character, every pattern here scanned
 * a page of pull requests as fast as tuned on any text tried, the page itself included (the
 * authorization-value shape was 2.6× slower tuned on the page than on "x"): measured on Node 20.
 */
export function tunedForScanning<T extends RegExp>(pattern: T): T {
  for (const sample of NEUTRAL_SAMPLES) {
    // Three runs: the first is interpreted, the second compiles; the third is a margin.
    for (let run = 0; run < 3; run++) sample.replace(pattern, '');
  }
  pattern.lastIndex = 0;
  return pattern;
}
