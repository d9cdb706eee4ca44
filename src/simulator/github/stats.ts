import { FAULT_KINDS, type FaultKind, type GithubSimulatorStats, type LoggedRequest } from './types.js';

/** Counters behind `stats()`; handed out as copies so callers cannot change them. */
export class StatsRecorder {
  private requests = 0;
  private rateLimitRejections = 0;
  private secondaryRejections = 0;
  private readonly faultsByKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  private readonly byRoute = new Map<string, number>();
  private inFlight = 0;
  private maxConcurrent = 0;
  private readonly log: LoggedRequest[] = [];

  constructor(private readonly logRequests = false) {}

  /** An answer was written (kept only with `logRequests`). */
  answered(entry: LoggedRequest): void {
    if (this.logRequests) this.log.push(entry);
  }

  requestLog(): LoggedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /** A request arrived; returns the function to call once it is over (answered or aborted). */
  requestStarted(routeKey: string): () => void {
    this.requests += 1;
    this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
    this.inFlight += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
    };
  }

  rateLimitRejected(): void {
    this.rateLimitRejections += 1;
  }

  secondaryRejected(): void {
    this.secondaryRejections += 1;
  }

  faultInjected(kind: FaultKind): void {
    this.faultsByKind[kind] += 1;
  }

  /** Everything but the GraphQL endpoint's own counters (graphql/stats.ts). */
  snapshot(): Omit<GithubSimulatorStats, 'graphql'> {
    const faultsByKind = { ...this.faultsByKind };
    return {
      requests: this.requests,
      rateLimitRejections: this.rateLimitRejections,
      secondaryRejections: this.secondaryRejections,
      faultsInjected: Object.values(faultsByKind).reduce((sum, n) => sum + n, 0),
      faultsByKind,
      byRoute: Object.fromEntries(this.byRoute),
      maxConcurrent: this.maxConcurrent,
    };
  }
}
