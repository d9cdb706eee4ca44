import type { RunStatusView } from '../reports/run-status-types.js';

/** A built view and its JSON, shared by every request that asks within its freshness. */
export interface CachedView {
  view: RunStatusView;
  /** `view` plus `extra`, serialized once. */
  json: string;
  builtAt: number;
}

export interface RunViewCacheOptions {
  build: (organization: string, syncId: string) => Promise<RunStatusView | undefined>;
  /** Extra fields of the JSON body (links to the run's other resources). */
  extra: (view: RunStatusView) => Record<string, unknown>;
  /** A live run's view is rebuilt when older than this (the event streams' poll interval). */
  liveMaxAgeMs: number;
  /** A finished run changes rarely (a retry, pruning): kept longer. */
  endedMaxAgeMs: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Views of runs, built at most once per freshness window per run however many clients ask
 * (`GET /runs/:syncId` at hundreds of requests a second, the event streams, the dashboard), and
 * concurrent builds of one run coalesced into one. A run's view reads about ten queries: without
 * this, the API's load would compete with the syncs writing to the same store. The event stream's
 * poll refreshes the entry, so a watched run is never older than one poll interval.
 */
export class RunViewCache {
  private readonly entries = new Map<string, CachedView>();
  private readonly building = new Map<string, Promise<CachedView | undefined>>();
  private readonly now: () => number;

  constructor(private readonly options: RunViewCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The cached view if fresh enough, else a new one (shared with any build in flight). */
  async get(organization: string, syncId: string): Promise<CachedView | undefined> {
    const key = keyOf(organization, syncId);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.builtAt < (entry.view.live ? this.options.liveMaxAgeMs : this.options.endedMaxAgeMs)) return entry;
    return this.refresh(organization, syncId);
  }

  /** Drops a run's entry (it just changed, e.g. a cancel request): the next read builds anew. */
  forget(organization: string, syncId: string): void {
    this.entries.delete(keyOf(organization, syncId));
  }

  /** A new build (or the one already in flight). */
  refresh(organization: string, syncId: string): Promise<CachedView | undefined> {
    const key = keyOf(organization, syncId);
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(key, organization, syncId).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  private async build(key: string, organization: string, syncId: string): Promise<CachedView | undefined> {
    const view = await this.options.build(organization, syncId);
    if (!view) {
      this.entries.delete(key);
      return undefined;
    }
    const entry = { view, json: JSON.stringify({ ...view, ...this.options.extra(view) }), builtAt: this.now() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.options.maxEntries ?? 1000;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

function keyOf(organization: string, syncId: string): string {
  return `${organization}\u0000${syncId}`;
}
