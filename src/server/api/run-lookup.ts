import { z } from 'zod';
import type { JobQueue } from '../../ports/job-queue.js';
import type { RunRow, RunStore } from '../../ports/run-store.js';
import type { DigestOptions } from '../../reports/run-digest.js';
import { buildRunStatus, queuedRunStatus } from '../../reports/run-status.js';
import type { RunStatusView } from '../../reports/run-status-types.js';
import { notFound } from './problem.js';
import { parseRequest } from './validate.js';

export const SYNC_ID = /^\d{12}-SYNC-[0-9A-F]{8}$/;
const syncIdParams = z.object({ syncId: z.string().regex(SYNC_ID, 'expected a sync ID like 202611231405-SYNC-7AC96AF9') });

export function syncIdOf(params: unknown): string {
  return parseRequest('params', syncIdParams, params).syncId;
}

/** What the run routes read runs through; every read is scoped to one organization. */
export class RunLookup {
  constructor(
    private readonly store: RunStore,
    private readonly queue: JobQueue | undefined,
    private readonly digest: DigestOptions,
  ) {}

  /**
   * The run if it belongs to `organization`. Another organization's run is "not found", exactly
   * like one that does not exist: the answer must not tell them apart.
   */
  async run(organization: string, syncId: string): Promise<RunRow> {
    const run = await this.store.getRun(syncId);
    if (!run || run.organization !== organization) throw notFound(`no run ${syncId}`);
    return run;
  }

  /** The live view, from the store, or from the queue for a run accepted but not started. */
  async view(organization: string, syncId: string): Promise<RunStatusView> {
    const view = await this.viewOrUndefined(organization, syncId);
    if (!view) throw notFound(`no run ${syncId}`);
    return view;
  }

  async viewOrUndefined(organization: string, syncId: string): Promise<RunStatusView | undefined> {
    const view = await buildRunStatus(this.store, syncId, this.digest);
    if (view) return view.organization === organization ? view : undefined;
    const job = await this.queue?.findBySyncId(organization, syncId);
    // A job not started yet, starting, or dropped before it started: the store has no run (yet).
    return job && job.state !== 'completed' ? queuedRunStatus(job, this.digest.now?.() ?? Date.now()) : undefined;
  }
}
