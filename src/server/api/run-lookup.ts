import { z } from 'zod';
import type { JobQueue } from '../../ports/job-queue.js';
import type { RunRow, RunStore } from '../../ports/run-store.js';
import type { DigestOptions } from '../../reports/run-digest.js';
import { buildRunStatus, queuedRunStatus } from '../../reports/run-status.js';
import type { RunStatusView } from '../../reports/run-status-types.js';
import { RunViewCache, type CachedView } from '../run-view-cache.js';
import { notFound } from './problem.js';
import { parseRequest } from './validate.js';
import { runUrls } from './views.js';

export const SYNC_ID = /^\d{12}-SYNC-[0-9A-F]{8}$/;
const syncIdParams = z.object({ syncId: z.string().regex(SYNC_ID, 'expected a sync ID like 202611231405-SYNC-7AC96AF9') });

export function syncIdOf(params: unknown): string {
  return parseRequest('params', syncIdParams, params).syncId;
}

/** What the run routes read runs through; every read is scoped to one organization. */
export class RunLookup {
  private readonly cache: RunViewCache;

  constructor(
    private readonly store: RunStore,
    private readonly queue: JobQueue | undefined,
    private readonly digest: DigestOptions,
    /** How stale a live run's view may be (the event streams' poll interval). */
    pollMs = 1000,
  ) {
    this.cache = new RunViewCache({
      build: (organization, syncId) => this.build(organization, syncId),
      extra: (view) => ({ urls: runUrls(view.sync_id) }),
      liveMaxAgeMs: pollMs,
      endedMaxAgeMs: 10 * pollMs,
    });
  }

  /**
   * The run if it belongs to `organization`. Another organization's run is "not found", exactly
   * like one that does not exist: the answer must not tell them apart.
   */
  async run(organization: string, syncId: string): Promise<RunRow> {
    const run = await this.store.getRun(syncId);
    if (!run || run.organization !== organization) throw notFound(`no run ${syncId}`);
    return run;
  }

  /** The live view (at most one poll interval old) with its JSON, or 404. */
  async view(organization: string, syncId: string): Promise<CachedView> {
    const entry = await this.cache.get(organization, syncId);
    if (!entry) throw notFound(`no run ${syncId}`);
    return entry;
  }

  async viewOrUndefined(organization: string, syncId: string): Promise<RunStatusView | undefined> {
    return (await this.cache.get(organization, syncId))?.view;
  }

  /** Forget the cached view of a run that just changed (a cancel request, a resume). */
  changed(organization: string, syncId: string): void {
    this.cache.forget(organization, syncId);
  }

  /** A view read now (the event streams' poll), which also refreshes what GETs are served. */
  async freshView(organization: string, syncId: string): Promise<RunStatusView | undefined> {
    return (await this.cache.refresh(organization, syncId))?.view;
  }

  /** From the store, or from the queue for a run accepted but not started. */
  private async build(organization: string, syncId: string): Promise<RunStatusView | undefined> {
    const view = await buildRunStatus(this.store, syncId, this.digest);
    if (view) return view.organization === organization ? view : undefined;
    const job = await this.queue?.findBySyncId(organization, syncId);
    // A job not started yet, starting, or dropped before it started: the store has no run (yet).
    return job && job.state !== 'completed' ? queuedRunStatus(job, this.digest.now?.() ?? Date.now()) : undefined;
  }
}
