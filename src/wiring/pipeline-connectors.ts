import type { Clock } from '../ports/clock.js';
import type { Destination } from '../ports/destination.js';
import type { MutationLock } from '../ports/mutation-lock.js';
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
  /** The run resumes an interrupted sync under its own ID (a source may have claimed rows for it). */
  resume: boolean;
  /** A database source's connection string, read from the environment variable the config names. */
  sourceUrl?: string;
  signal?: AbortSignal;
  /** Serialises a destination's writes to one shared resource across workers (distributed mode); default: per process. */
  mutationLock?: MutationLock;
}

/** One container (a Monday group) a run read records for, as the dry-run printout shows it. */
export interface PlannedContainer {
  partition: string;
  name: string;
  /** The records already carry its ID (an earlier sync found or created it). */
  known: boolean;
  records: number;
  creates: number;
  updates: number;
  /** A few of its records, named as the destination would name them. */
  sample: string[];
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
  /**
   * Every option that shapes what the source reads and where its checkpoints point (mode, page
   * size, selection...). Recorded with the run under `options.read`; a resume with different
   * values is refused (`resume-check.ts`), since its checkpoints would name other positions.
   */
  readOptions: Record<string, unknown>;
  /** What a read option was for runs recorded before it was kept (GitHub: `mode` = rest). */
  readOptionsBeforeRecorded?: Record<string, unknown>;
  /** After the run: what it read, by container, for the planned-work printout of a dry run. */
  plan?: () => PlannedContainer[];
}
