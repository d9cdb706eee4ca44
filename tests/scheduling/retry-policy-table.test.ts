import { describe, expect, it } from 'vitest';
import { decideRetry, DEFAULT_RETRY_POLICY, type FailedAttempt } from '../../src/scheduling/retry-policy.js';

const now = 1_000_000;
const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

describe('decideRetry table', () => {
  it.each<[string, FailedAttempt, ReturnType<typeof decideRetry>]>([
    ['a reset already in the past backs off instead', { category: 'RATE_LIMITED', attempt: 1, resetAtMs: now - 5000 }, { retry: true, delayMs: 100, basis: 'backoff' }],
    ['a reset exactly now backs off', { category: 'RATE_LIMITED', attempt: 1, resetAtMs: now }, { retry: true, delayMs: 100, basis: 'backoff' }],
    ['a negative retry-after waits 0', { category: 'RATE_LIMITED', attempt: 1, retryAfterSeconds: -3 }, { retry: true, delayMs: 0, basis: 'retry_after' }],
    ['retry-after 0 is honoured as 0', { category: 'RATE_LIMITED', attempt: 1, retryAfterSeconds: 0 }, { retry: true, delayMs: 0, basis: 'retry_after' }],
    ['the provider says retry a conflict', { category: 'CONFLICT', attempt: 1, retryable: true, retryAfterSeconds: 2 }, { retry: true, delayMs: 2000, basis: 'retry_after' }],
    ['the provider says never retry a rate limit (daily cap)', { category: 'RATE_LIMITED', attempt: 1, retryable: false, retryAfterSeconds: 2 }, { retry: false }],
    ['a transient error on its last allowed attempt', { category: 'NETWORK_ERROR', attempt: 5 }, { retry: false }],
    ['a transient error one before the limit', { category: 'NETWORK_ERROR', attempt: 4 }, { retry: true, delayMs: 800, basis: 'backoff' }],
    ['a rate limit one before its higher limit', { category: 'RATE_LIMITED', attempt: 9 }, { retry: true, delayMs: 1000, basis: 'backoff' }],
    ['server error first attempt', { category: 'SERVER_ERROR', attempt: 1 }, { retry: true, delayMs: 100, basis: 'backoff' }],
    ['timeout second attempt', { category: 'TIMEOUT', attempt: 2 }, { retry: true, delayMs: 200, basis: 'backoff' }],
  ])('%s', (_name, failure, expected) => {
    expect(decideRetry(failure, policy, now, () => 1)).toEqual(expected);
  });

  it('jitter lies between half and the whole step (random 0.5 → three quarters)', () => {
    expect(decideRetry({ category: 'SERVER_ERROR', attempt: 3 }, policy, now, () => 0.5)).toEqual({ retry: true, delayMs: 300, basis: 'backoff' });
  });

  it('uses Math.random when no source is given, within the step', () => {
    const d = decideRetry({ category: 'SERVER_ERROR', attempt: 2 }, policy, now) as { delayMs: number };
    expect(d.delayMs).toBeGreaterThanOrEqual(100);
    expect(d.delayMs).toBeLessThanOrEqual(200);
  });
});
