import type { ApiCallRow } from './run-store.js';

/**
 * Receives one audit row per API call attempt. `record` must not block the call path; rows are
 * buffered and written in batches, and `flush` writes what is pending (at batch and run end).
 */
export interface AuditSink {
  record(row: ApiCallRow): void;
  flush(): Promise<void>;
}
