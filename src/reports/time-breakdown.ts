import { formatMs as duration } from './markdown.js';

/** Where a sync's time went: the answer to "why was this slow". */
export interface TimeBreakdown {
  wall_ms: number;
  /** Sum of every API call's duration. Calls overlap, so this can exceed the wall time. */
  api_ms: number;
  api_calls: number;
  /** Time spent holding calls back for rate limits (resets, Retry-After, pacing). */
  rate_limit_wait_ms: number;
  /** Sum of the destination batch writes. */
  destination_ms: number;
  /** Wall time not explained by the above (listing, bookkeeping, idle); 0 when they overlap it. */
  other_ms: number;
  /** True: `api_ms` adds up concurrent calls, so the parts need not sum to the wall time. */
  api_is_cumulative: true;
  dominant: 'api' | 'rate_limit_wait' | 'destination' | 'other' | null;
  /** One sentence for the summary. */
  explanation: string;
}

export interface TimeInputs {
  wallMs: number;
  apiMs: number;
  apiCalls: number;
  rateLimitWaitMs: number;
  destinationMs: number;
}

const share = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—');

/** Pure: splits the wall time into API, rate-limit waiting, destination writes and the rest. */
export function computeTimeBreakdown(input: TimeInputs): TimeBreakdown {
  const wall = Math.max(0, input.wallMs);
  const parts = {
    api: Math.max(0, input.apiMs),
    rate_limit_wait: Math.max(0, input.rateLimitWaitMs),
    destination: Math.max(0, input.destinationMs),
  };
  const other = Math.max(0, wall - parts.api - parts.rate_limit_wait - parts.destination);
  const candidates = { ...parts, other } as const;
  let dominant: TimeBreakdown['dominant'] = null;
  let largest = 0;
  for (const [name, ms] of Object.entries(candidates) as Array<[keyof typeof candidates, number]>) {
    if (ms > largest) {
      largest = ms;
      dominant = name;
    }
  }
  return {
    wall_ms: round(wall),
    api_ms: round(parts.api),
    api_calls: input.apiCalls,
    rate_limit_wait_ms: round(parts.rate_limit_wait),
    destination_ms: round(parts.destination),
    other_ms: round(other),
    api_is_cumulative: true,
    dominant,
    explanation: explain(dominant, { ...input, wallMs: wall, otherMs: other }),
  };
}

function explain(dominant: TimeBreakdown['dominant'], t: TimeInputs & { otherMs: number }): string {
  const of = `of ${duration(t.wallMs)} wall time`;
  switch (dominant) {
    case 'api': {
      const average = t.apiCalls > 0 ? ` (avg ${Math.round(t.apiMs / t.apiCalls)} ms per call)` : '';
      const overlap = t.apiMs > t.wallMs ? '; calls overlapped, so the run was bound by API latency' : '';
      return `Most time went to API calls: ${t.apiCalls} calls took ${duration(t.apiMs)} in total${average}, ${of}${overlap}.`;
    }
    case 'rate_limit_wait':
      return `Most time went to rate-limit waits: ${duration(t.rateLimitWaitMs)} (${share(t.rateLimitWaitMs, t.wallMs)} ${of}); the budget, not the engine, set the pace.`;
    case 'destination': {
      // Partitions write concurrently (and a destination behind an API, like Monday.com, waits on
      // its calls and its board lock inside the write), so the sum can pass the wall time: say so
      // rather than print a share above 100%.
      if (t.destinationMs > t.wallMs) {
        const times = (t.destinationMs / Math.max(1, t.wallMs)).toFixed(1);
        return `Most time went to destination writes: ${duration(t.destinationMs)} in total, ${times}× the ${duration(t.wallMs)} wall time, because partitions wrote at the same time; the run was bound by the destination.`;
      }
      return `Most time went to destination writes: ${duration(t.destinationMs)} (${share(t.destinationMs, t.wallMs)} ${of}).`;
    }
    case 'other':
      return `Most time went outside API calls, waits and writes: ${duration(t.otherMs)} (${share(t.otherMs, t.wallMs)} ${of}), e.g. listing partitions or bookkeeping.`;
    default:
      return 'No time was recorded.';
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
