/** What the GraphQL endpoint did, for tests and benchmarks to read. */
export interface GithubGraphqlStats {
  /** Queries executed (and charged). */
  queries: number;
  /** Points charged in all, every window together. */
  pointsSpent: number;
  /** Queries refused with `RATE_LIMITED` (their cost exceeded the points left). */
  rateLimitRejections: number;
  /** Requests refused before running: unparsable body, syntax, validation, node limits. */
  invalidQueries: number;
  /** Per operation name (`(anonymous)` without one): queries executed and points charged. */
  byOperation: Record<string, { queries: number; points: number }>;
}

export class GraphqlStatsRecorder {
  private queries = 0;
  private pointsSpent = 0;
  private rateLimitRejections = 0;
  private invalidQueries = 0;
  private readonly byOperation = new Map<string, { queries: number; points: number }>();

  executed(operation: string | undefined, points: number): void {
    this.queries += 1;
    this.pointsSpent += points;
    const key = operation ?? '(anonymous)';
    const entry = this.byOperation.get(key) ?? { queries: 0, points: 0 };
    entry.queries += 1;
    entry.points += points;
    this.byOperation.set(key, entry);
  }

  /** Counts a refusal; returns how many came before it (the simulator alternates their shape). */
  rateLimited(): number {
    this.rateLimitRejections += 1;
    return this.rateLimitRejections - 1;
  }

  invalid(): void {
    this.invalidQueries += 1;
  }

  snapshot(): GithubGraphqlStats {
    return {
      queries: this.queries,
      pointsSpent: this.pointsSpent,
      rateLimitRejections: this.rateLimitRejections,
      invalidQueries: this.invalidQueries,
      byOperation: Object.fromEntries([...this.byOperation].map(([name, entry]) => [name, { ...entry }])),
    };
  }
}
