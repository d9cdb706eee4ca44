import { describe, expect, it } from 'vitest';
import { RateLimitReporter } from '../../../src/connectors/http/rate-limit-reporter.js';
import { testTelemetry } from '../../helpers/test-telemetry.js';

describe('RateLimitReporter on a sliding window (Monday complexity)', () => {
  it('reports each lower band once, not every answer, and re-arms past half', async () => {
    const { telemetry, lines, settle } = testTelemetry();
    const reporter = new RateLimitReporter(telemetry, 'monday');
    const report = (remaining: number, at: number) =>
      reporter.report({ resource: 'complexity', limit: 1000, remaining, resetAtMs: at, windowMs: 60_000 });
    [900, 890, 880, 400, 390, 410, 80, 70, 90, 60, 700, 300].forEach((remaining, i) => report(remaining, 1000 + i));
    await settle();
    expect(lines.filter((l) => l.event === 'sync.api.rate_limit').map((l) => l.remaining)).toEqual([900, 400, 80, 300]);
    const gauge = await telemetry.metrics.rateLimitRemaining.get();
    expect(gauge.values.find((v) => v.labels.resource === 'complexity')?.value).toBe(300);
  });
});
