/** Which API calls keep their request/response bodies in the audit trail (`audit.bodies`). */
export type AuditBodies = 'errors+sample' | 'all' | 'errors' | 'none';

export interface AuditSample {
  /** The first N successful calls of each operation keep their bodies. */
  first: number;
  /** After those, 1 in K successful calls of each operation does (0 = none). */
  every: number;
}

export const DEFAULT_AUDIT_SAMPLE: AuditSample = { first: 3, every: 500 };

/**
 * Decides per call whether its bodies are kept. Failed calls and retried ones (attempt > 1) are
 * what an on-call reads, so "errors+sample" always keeps them; of the successes it keeps a
 * bounded, deterministic sample per operation (the first N, then every K-th), enough to see what
 * the API answers without storing every page of a million-record sync. One sampler per run and
 * connector: the counts restart with each run.
 */
export class AuditBodySampler {
  private readonly successes = new Map<string, number>();

  constructor(
    private readonly mode: AuditBodies,
    private readonly sample: AuditSample = DEFAULT_AUDIT_SAMPLE,
  ) {}

  keep(operation: string, failed: boolean, attempt: number): boolean {
    switch (this.mode) {
      case 'all':
        return true;
      case 'none':
        return false;
      case 'errors':
        return failed;
      case 'errors+sample': {
        if (failed || attempt > 1) return true;
        const seen = this.successes.get(operation) ?? 0;
        this.successes.set(operation, seen + 1);
        if (seen < this.sample.first) return true;
        return this.sample.every > 0 && (seen - this.sample.first + 1) % this.sample.every === 0;
      }
    }
  }
}
