import type { RateLimitObservation } from '../../ports/request-scheduler.js';
import { initialiseConnectorSeries, initialiseResourceSeries } from '../../telemetry/metric-series.js';
import type { RunTelemetry } from '../../telemetry/run-telemetry.js';

/** Shares of the budget left at which a rate-limit event is worth an info line. */
const THRESHOLDS = [0.5, 0.25, 0.1, 0.05, 0.01, 0];

/**
 * Feeds the rate-limit gauges on every response, and emits a rate-limit event when a new
 * window is first seen or the budget crosses a threshold — every call would drown the log.
 */
export class RateLimitReporter {
  private readonly lastSeen = new Map<string, { resetAtMs: number; band: number }>();

  constructor(
    private readonly telemetry: RunTelemetry,
    private readonly connector: string,
  ) {
    initialiseConnectorSeries(telemetry.metrics, connector);
  }

  report(observation: RateLimitObservation): void {
    const labels = { connector: this.connector, resource: observation.resource };
    const { metrics } = this.telemetry;
    initialiseResourceSeries(metrics, this.connector, observation.resource);
    metrics.rateLimitRemaining.set(labels, observation.remaining);
    metrics.rateLimitLimit.set(labels, observation.limit);
    metrics.rateLimitReset.set(labels, Math.round(observation.resetAtMs / 1000));

    const share = observation.limit > 0 ? observation.remaining / observation.limit : 0;
    const band = THRESHOLDS.filter((t) => share <= t).length;
    const previous = this.lastSeen.get(observation.resource);
    if (observation.windowMs !== undefined && previous) {
      // A sliding window has no new windows (its reset moves with every answer): report each lower
      // band once, and re-arm only when the budget recovered past half.
      if (band <= previous.band) {
        if (band === 0) previous.band = 0;
        return;
      }
    } else if (previous && previous.resetAtMs === observation.resetAtMs && previous.band >= band) return;
    this.lastSeen.set(observation.resource, { resetAtMs: observation.resetAtMs, band });
    this.telemetry.events.apiRateLimit({
      connector: this.connector,
      resource: observation.resource,
      limit: observation.limit,
      remaining: observation.remaining,
      reset_at: new Date(observation.resetAtMs).toISOString(),
      cost: observation.cost,
    });
  }
}
