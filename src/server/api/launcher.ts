import type { JobInfo } from '../../ports/job-queue.js';

/** A declared pipeline as the API lists it (nothing secret: no token, no credentials in URLs). */
export interface PipelineSummary {
  name: string;
  organization: string;
  /** GitHub pipelines: base_url, org, repos; orders pipelines: the order table and its customers filter. */
  source: { type: string; base_url?: string; org?: string | null; repos?: string[]; table?: string; customers?: string[] };
  destination: { type: string };
  /** Options `POST /runs` accepts for this pipeline, with what each does. */
  start_options: Record<string, string>;
  file: string;
}

/** What a client asks `POST /runs` for, already shape-checked by the route. */
export interface StartRequest {
  pipeline: string;
  execute: boolean;
  options: Record<string, unknown>;
}

/**
 * How the API starts runs: implemented by the service wiring over the declared pipelines and the
 * job queue. Every method is scoped to the caller's organization; a pipeline of another
 * organization is "not found". Errors are `SyncError`s (NOT_FOUND, VALIDATION_ERROR naming the
 * option, CONFLICT, RATE_LIMITED when the queue is full, SERVER_ERROR while shutting down).
 */
export interface RunLauncher {
  pipelines(organization: string): PipelineSummary[];
  start(organization: string, request: StartRequest, requestedBy: string): Promise<JobInfo>;
  /** Continues an interrupted or cancelled run of a declared pipeline under its sync ID. */
  resume(organization: string, syncId: string, requestedBy: string): Promise<JobInfo>;
}
