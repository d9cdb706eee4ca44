import { describe, expect, it } from 'vitest';
import { decideRetry, DEFAULT_RETRY_POLICY } from '../../src/scheduling/retry-policy.js';

const now = 1_000_000;

describe('decideRetry', () => {
  it.each(['INVALID_CREDENTIALS', 'PERMISSION_DENIED', 'NOT_FOUND', 'VALIDATION_ERROR', 'CONFLICT', 'INTERNAL'] as const)(
    'never retries %s',
    (category) => {
      expect(decideRetry({ category, attempt: 1 }, DEFAULT_RETRY_POLICY, now)).toEqual({ retry: false });
    },
  );

  it('honours Retry-After before anything else', () => {
    expect(decideRetry({ category: 'RATE_LIMITED', attempt: 1, retryAfterSeconds: 7, resetAtMs: now + 60_000 }, DEFAULT_RETRY_POLICY, now)).toEqual({
      retry: true,
      delayMs: 7000,
      basis: 'retry_after',
    });
  });

  it('waits for the reset when the primary budget is spent', () => {
    expect(decideRetry({ category: 'RATE_LIMITED', attempt: 1, resetAtMs: now + 42_000 }, DEFAULT_RETRY_POLICY, now)).toEqual({
      retry: true,
      delayMs: 42_000,
      basis: 'reset',
    });
  });

  it('backs off exponentially with jitter between half and the full step, capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 };
    const low = (attempt: number) => decideRetry({ category: 'SERVER_ERROR', attempt }, policy, now, () => 0);
    const high = (attempt: number) => decideRetry({ category: 'SERVER_ERROR', attempt }, policy, now, () => 1);
    expect([1, 2, 3, 4, 5, 6].map((a) => (low(a) as { delayMs: number }).delayMs)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3].map((a) => (high(a) as { delayMs: number }).delayMs)).toEqual([100, 200, 400]);
  });

  it('stops after the attempt limit, with more attempts allowed for rate limits', () => {
    expect(decideRetry({ category: 'TIMEOUT', attempt: 5 }, DEFAULT_RETRY_POLICY, now)).toEqual({ retry: false });
    expect(decideRetry({ category: 'RATE_LIMITED', attempt: 5, retryAfterSeconds: 1 }, DEFAULT_RETRY_POLICY, now).retry).toBe(true);
    expect(decideRetry({ category: 'RATE_LIMITED', attempt: 10, retryAfterSeconds: 1 }, DEFAULT_RETRY_POLICY, now)).toEqual({ retry: false });
  });
});
