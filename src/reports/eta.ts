import type { BatchRow, RateLimitRow } from '../ports/run-store.js';
import type { EtaView, ThroughputView } from './run-status-types.js';

/** The window the ETA's throughput is measured over. */
export const ETA_WINDOW_SECONDS = 60;
const SPARKLINE_BUCKETS = 40;

const endOf = (b: BatchRow) => Date.parse(b.startedAt) + b.durationMs;
const writtenOf = (b: BatchRow) => b.records - b.failed;

/**
 * Pure: records per second from the run's batches, overall, over the last minute (or since the
 * attempt started, if sooner), and as a series of equal buckets for the sparkline.
 */
export function throughputOf(batches: BatchRow[], window: { attemptStartMs: number; wallMs: number; endMs: number }): ThroughputView {
  const written = batches.reduce((sum, b) => sum + writtenOf(b), 0);
  const windowMs = Math.max(1, Math.min(ETA_WINDOW_SECONDS * 1000, window.endMs - window.attemptStartMs));
  const recent = batches.filter((b) => endOf(b) > window.endMs - windowMs && endOf(b) <= window.endMs).reduce((sum, b) => sum + writtenOf(b), 0);
  const first = batches.length > 0 ? Math.min(...batches.map((b) => Date.parse(b.startedAt))) : window.endMs;
  const spanMs = Math.max(1000, window.endMs - first);
  // At least a second a bucket: finer than that, a rate is mostly noise.
  const bucketMs = Math.max(1000, spanMs / SPARKLINE_BUCKETS);
  const buckets = Math.min(SPARKLINE_BUCKETS, Math.ceil(spanMs / bucketMs));
  const series = new Array<number>(batches.length > 0 ? buckets : 0).fill(0);
  for (const b of batches) {
    const at = Math.min(buckets - 1, Math.max(0, Math.floor((endOf(b) - first) / bucketMs)));
    series[at] = (series[at] ?? 0) + writtenOf(b);
  }
  return {
    records_per_second: window.wallMs > 0 ? round1(written / (window.wallMs / 1000)) : 0,
    recent_records_per_second: round1(recent / (windowMs / 1000)),
    window_seconds: Math.round(windowMs / 1000),
    series: series.map((n) => round1(n / (bucketMs / 1000))),
    bucket_seconds: round1(bucketMs / 1000),
  };
}

export interface EtaInput {
  remainingRecords: number | null;
  throughput: ThroughputView;
  /** API calls made so far per record done, when both are known (> 0). */
  callsPerRecord: number | null;
  budgets: RateLimitRow[];
  now: number;
}

/**
 * Pure: when the run should end, and on what basis. From the remaining records at the recent
 * throughput; bounded by the API budget: if the calls still needed exceed what is left of a
 * budget before its reset, the run cannot end before that reset plus the calls beyond it at the
 * current call rate. Null (with the reason) when there is no basis yet.
 */
export function estimateEta(input: EtaInput): { eta: EtaView | null; reason: string | null } {
  const { remainingRecords, throughput, now } = input;
  if (remainingRecords === null) return { eta: null, reason: 'no partition has reported its size yet' };
  const rate = throughput.recent_records_per_second > 0 ? throughput.recent_records_per_second : throughput.records_per_second;
  if (remainingRecords > 0 && rate <= 0) return { eta: null, reason: 'no records written yet: no throughput to go by' };
  const throughputSeconds = remainingRecords === 0 ? 0 : remainingRecords / rate;
  const window = throughput.recent_records_per_second > 0 ? `the last ${throughput.window_seconds} s` : 'the whole run';
  let eta: EtaView = {
    seconds: Math.round(throughputSeconds),
    at: new Date(now + throughputSeconds * 1000).toISOString(),
    basis: 'throughput',
    explanation: `${fmt(remainingRecords)} records left at ${fmt(rate)} records/s (${window})`,
    remaining_records: remainingRecords,
    records_per_second: rate,
    budget: null,
  };
  if (input.callsPerRecord === null || remainingRecords === 0) return { eta, reason: null };
  const callsNeeded = Math.ceil(remainingRecords * input.callsPerRecord);
  const callRate = rate * input.callsPerRecord;
  for (const budget of input.budgets) {
    const resetMs = Date.parse(budget.resetAt);
    if (!(resetMs > now) || callsNeeded <= budget.remaining) continue;
    const seconds = (resetMs - now) / 1000 + (callsNeeded - budget.remaining) / callRate;
    if (seconds <= eta.seconds) continue;
    eta = {
      ...eta,
      seconds: Math.round(seconds),
      at: new Date(now + seconds * 1000).toISOString(),
      basis: 'rate_limit_budget',
      explanation: `~${fmt(callsNeeded)} more ${budget.connector}/${budget.resource} calls needed, ${fmt(budget.remaining)} left until the reset at ${budget.resetAt.slice(11, 19)} UTC; the rest at ${fmt(callRate)} calls/s after it`,
      budget: { connector: budget.connector, resource: budget.resource, remaining: budget.remaining, limit: budget.limit, reset_at: budget.resetAt, calls_needed: callsNeeded },
    };
  }
  return { eta, reason: null };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : String(round1(n));
}
