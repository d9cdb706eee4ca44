import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { RequestScheduler } from '../ports/request-scheduler.js';
import type { Source } from '../ports/source.js';
import type { Redactor } from '../telemetry/redaction.js';
import type { RunTelemetry } from '../telemetry/run-telemetry.js';

/** What a pipeline's connector factory gets from the generic run wiring. */
export interface PipelineContext {
  /** The API token, already read from the environment variable the config names. */
  token: string | undefined;
  /** Non-secret ID of the token, the key of its budget. */
  tokenId: string;
  scheduler: RequestScheduler;
  telemetry: RunTelemetry;
  redactor: Redactor;
  clock: Clock;
  /** Whether the run writes to the destination. */
  execute: boolean;
  signal?: AbortSignal;
}

/** A pipeline's adapters, built for one run. */
export interface PipelineConnectors {
  /** Connector name of the source's API (metric label, scheduler wait events). */
  connector: string;
  source: Source;
  /** The real destination; `undefined` on a dry run (nothing may be written). */
  destination: Destination | undefined;
  /** Options that shape what the run reads and writes, recorded with the run (secrets removed). */
  recordedOptions: Record<string, unknown>;
}
