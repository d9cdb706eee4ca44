import type { LogLevel } from './log-levels.js';

export interface CatalogEntry {
  readonly name: string;
  readonly level: LogLevel;
  readonly when: string;
}

/**
 * The `sync.*` event catalog. Each name is written here once and emitted from one method of
 * `RunEvents`, so grepping an event name finds its single source. The README's catalog table is
 * checked against this list by a test.
 */
export const EVENTS = {
  pipelineStarted: { name: 'sync.pipeline.started', level: 'info', when: 'a run starts (or resumes)' },
  pipelineCompleted: { name: 'sync.pipeline.completed', level: 'info', when: 'a run finishes, with totals' },
  pipelineFailed: { name: 'sync.pipeline.failed', level: 'error', when: 'a run ends in failure or is interrupted' },
  phaseChanged: { name: 'sync.pipeline.phase_changed', level: 'info', when: 'the run moves to another phase' },
  cancelRequested: {
    name: 'sync.pipeline.cancel_requested',
    level: 'warn',
    when: 'the run saw a stored cancel request (from the API, in any process); it stops at the next batch boundary',
  },
  cancelCheckFailed: {
    name: 'sync.pipeline.cancel_check_failed',
    level: 'warn',
    when: 'the run store could not be asked for a cancel request; the run goes on and asks again',
  },
  repoStarted: { name: 'sync.repo.started', level: 'info', when: 'a repository starts syncing' },
  repoProgress: { name: 'sync.repo.progress', level: 'debug', when: 'a repository page was processed' },
  repoCompleted: { name: 'sync.repo.completed', level: 'info', when: 'a repository finished' },
  repoFailed: { name: 'sync.repo.failed', level: 'error', when: 'a repository failed' },
  customerStarted: { name: 'sync.customer.started', level: 'info', when: 'a customer starts syncing' },
  customerProgress: { name: 'sync.customer.progress', level: 'debug', when: 'a customer page was processed' },
  customerCompleted: { name: 'sync.customer.completed', level: 'info', when: 'a customer finished' },
  customerFailed: { name: 'sync.customer.failed', level: 'error', when: 'a customer failed' },
  batchCompleted: { name: 'sync.batch.completed', level: 'debug', when: 'a batch was written' },
  batchFailed: { name: 'sync.batch.failed', level: 'warn', when: 'a batch could not be written' },
  apiRest: { name: 'sync.api.rest', level: 'debug', when: 'a REST call attempt ended' },
  apiGraphql: { name: 'sync.api.graphql', level: 'debug', when: 'a GraphQL call attempt ended' },
  apiRateLimit: { name: 'sync.api.rate_limit', level: 'info', when: 'rate-limit state was read from a response' },
  apiRateWait: { name: 'sync.api.rate_wait', level: 'warn', when: 'the scheduler waits for a rate limit' },
  apiHoldRestored: {
    name: 'sync.api.hold_restored',
    level: 'warn',
    when: 'a resumed run found a rate-limit hold its earlier attempt was under (a retry: the sync it retries); no request starts before it ends',
  },
  apiRetry: { name: 'sync.api.retry', level: 'warn', when: 'a failed call is retried' },
  dbWrite: { name: 'sync.db.write', level: 'debug', when: 'a batch was written to the destination' },
  sourceWriteBack: { name: 'sync.db.write_back', level: 'debug', when: "a batch's outcomes were written back to its source (e.g. an order table's state columns)" },
  recordFailed: { name: 'sync.record.failed', level: 'warn', when: 'a record failed' },
  reportWritten: { name: 'sync.report.written', level: 'info', when: 'a report file was written' },
  reportFailed: { name: 'sync.report.failed', level: 'error', when: 'the report folder could not be written; the sync itself is stored' },
  auditWriteFailed: {
    name: 'sync.audit.write_failed',
    level: 'warn',
    when: 'API call audit rows could not be stored (kept for the next try, or dropped past a bound); the sync goes on',
  },
  serverRequest: {
    name: 'sync.server.request',
    level: 'info',
    when: 'the service answered an HTTP request (access log): request_id, method, route, status_code, duration_ms, organization, token_id — never the token',
  },
  serverError: {
    name: 'sync.server.error',
    level: 'error',
    when: 'an API request failed inside the service (answered 500 with no detail): request_id, error_message',
  },
  serverListening: { name: 'sync.server.listening', level: 'info', when: '`serve` bound its address and is serving' },
  serverStopping: {
    name: 'sync.server.stopping',
    level: 'warn',
    when: '`serve` got SIGINT/SIGTERM: no new runs; active runs finish their batches and end interrupted (resumable)',
  },
  metricsPushFailed: {
    name: 'sync.metrics.push_failed',
    level: 'warn',
    when: 'the run\'s metrics could not be pushed to the Pushgateway at exit (counted as sync_telemetry_export_failures_total{signal="metrics"}); the sync itself is unaffected',
  },
  telemetryFlushFailed: {
    name: 'sync.telemetry.flush_failed',
    level: 'warn',
    when: 'spans or logs could not be flushed at exit (backend down); the sync itself is unaffected',
  },
  workerStarted: { name: 'sync.worker.started', level: 'info', when: '`syncscope worker` is connected to Redis and takes partition jobs (`worker_id`, `concurrency`, `port` of /metrics and /healthz)' },
  workerStopping: { name: 'sync.worker.stopping', level: 'info', when: 'the worker got SIGTERM/SIGINT: no new jobs; active partitions stop at a batch boundary and their jobs are released to other workers' },
  workerStopped: { name: 'sync.worker.stopped', level: 'info', when: 'the worker closed its queues and stores and exits 0' },
  workerBudgetUnavailable: { name: 'sync.worker.budget_unavailable', level: 'warn', when: 'Redis did not answer a budget reservation: this worker decides from its own view of the budget until it does' },
  workerLockLost: { name: 'sync.worker.lock_lost', level: 'warn', when: 'a board\'s mutation lock expired or was taken while this worker held it (Redis unreachable past its TTL): its writes may have overlapped another worker\'s (`lock_key`)' },
  jobRetrying: { name: 'sync.job.retrying', level: 'warn', when: 'a partition job failed one attempt and is retried after backoff (`attempt`, `error_message`)' },
  jobFailed: { name: 'sync.job.failed', level: 'error', when: 'a partition job exhausted its attempts: its partition ends failed with this error and the run `partial`' },
  jobStalled: { name: 'sync.job.stalled', level: 'warn', when: 'a job\'s worker stopped renewing its lock (killed): the job goes back to the queue and another worker resumes the partition from its checkpoint' },
} as const satisfies Record<string, CatalogEntry>;

export type EventKey = keyof typeof EVENTS;
