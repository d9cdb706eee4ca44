import type { RetryPolicyOptions } from '../scheduling/retry-policy.js';

export interface EngineOptions {
  /** Records per destination write. */
  batchSize: number;
  /** Partitions synced at the same time. */
  partitionConcurrency: number;
  /** Read and report, write nothing: every record ends `skipped`. The default for runs. */
  dryRun: boolean;
  /** Retries of a destination write that failed with a retryable category. */
  writeRetry: RetryPolicyOptions;
  /** Only these record keys are written (`run --retry-failed`); others are read and ignored. */
  onlyRecordKeys?: ReadonlySet<string>;
  /** How often the run store is asked for a cancel request (default 1000 ms). */
  cancelPollMs?: number;
}
