import type { PartitionStatusView, RunStatusView } from '../reports/run-status-types.js';

/** One server-sent event, already framed (`event:`, `id:`, `data:` lines), shared by every subscriber. */
export type FramedEvent = string;

export interface Subscriber {
  send(event: FramedEvent): void;
  /** The run ended (or the hub closed): the stream should end after the events sent so far. */
  end(): void;
}

export interface RunFeedOptions {
  /** Reads the current view of the run a feed key names; undefined when it is gone (pruned). */
  load: (key: string) => Promise<RunStatusView | undefined>;
  pollMs: number;
  /** A read failed; the feed tells its subscribers and tries again next tick. */
  onLoadFailed?: (key: string, error: unknown) => void;
}

interface Feed {
  subscribers: Set<Subscriber>;
  timer: NodeJS.Timeout | undefined;
  /** Events a new subscriber gets at once: the latest status and progress. */
  replay: FramedEvent[];
  status: string | undefined;
  partitions: Map<string, string>;
  sequence: number;
  /** The first view was published (its partitions are in it; later changes get `partition` events). */
  published: boolean;
}

/**
 * Live events of runs, for `GET /api/v1/runs/:syncId/events`. One poll per run, whatever the
 * number of subscribers: the first subscriber starts a loop that reads the run's view from the
 * store every `pollMs` (so runs of other processes stream too), frames each event once and writes
 * it to every subscriber. Events: `status` (on change), `partition` (a partition's status or
 * counts changed), `progress` (the whole view, each tick), then `end` once the run is no longer
 * live, after which the streams close. The last subscriber leaving stops the loop.
 */
export class RunFeedHub {
  private readonly feeds = new Map<string, Feed>();
  private closed = false;

  constructor(private readonly options: RunFeedOptions) {}

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(key: string, subscriber: Subscriber): () => void {
    if (this.closed) {
      subscriber.end();
      return () => {};
    }
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = { subscribers: new Set(), timer: undefined, replay: [], status: undefined, partitions: new Map(), sequence: 0, published: false };
      this.feeds.set(key, feed);
      const created = feed;
      void this.tick(key, created);
    } else {
      for (const event of feed.replay) subscriber.send(event);
    }
    feed.subscribers.add(subscriber);
    const current = feed;
    return () => {
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0) this.drop(key, current);
    };
  }

  /** Subscribers across all runs (for tests and the bench). */
  subscriberCount(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.subscribers.size;
    return n;
  }

  /** Polls in progress: one per run being watched. */
  feedCount(): number {
    return this.feeds.size;
  }

  /** Ends every stream (shutdown). */
  close(): void {
    this.closed = true;
    for (const [key, feed] of this.feeds) {
      for (const s of feed.subscribers) s.end();
      this.drop(key, feed);
    }
  }

  private async tick(key: string, feed: Feed): Promise<void> {
    if (this.feeds.get(key) !== feed) return;
    let view: RunStatusView | undefined;
    try {
      view = await this.options.load(key);
    } catch (error) {
      this.options.onLoadFailed?.(key, error);
      this.broadcast(feed, this.frame(feed, 'stream_error', { message: 'the run store could not be read; retrying' }));
      this.schedule(key, feed);
      return;
    }
    if (this.feeds.get(key) !== feed) return;
    if (!view) {
      this.finish(key, feed, this.frame(feed, 'end', { status: 'gone' }));
      return;
    }
    this.publish(feed, view);
    if (!view.live) {
      this.finish(key, feed, this.frame(feed, 'end', { sync_id: view.sync_id, status: view.status }));
      return;
    }
    this.schedule(key, feed);
  }

  private publish(feed: Feed, view: RunStatusView): void {
    const statusEvent = feed.status !== view.status ? this.frame(feed, 'status', statusOf(view)) : undefined;
    if (statusEvent) {
      feed.status = view.status;
      this.broadcast(feed, statusEvent);
    }
    for (const partition of view.partitions) {
      const signature = partitionSignature(partition);
      if (feed.partitions.get(partition.key) === signature) continue;
      feed.partitions.set(partition.key, signature);
      if (feed.published) this.broadcast(feed, this.frame(feed, 'partition', { sync_id: view.sync_id, partition }));
    }
    feed.published = true;
    const progress = this.frame(feed, 'progress', view);
    this.broadcast(feed, progress);
    feed.replay = [this.frame(feed, 'status', statusOf(view)), progress];
  }

  private finish(key: string, feed: Feed, end: FramedEvent): void {
    feed.replay = [...feed.replay, end];
    this.broadcast(feed, end);
    for (const s of feed.subscribers) s.end();
    this.drop(key, feed);
  }

  private schedule(key: string, feed: Feed): void {
    if (feed.subscribers.size === 0) {
      this.drop(key, feed);
      return;
    }
    feed.timer = setTimeout(() => void this.tick(key, feed), this.options.pollMs);
    feed.timer.unref();
  }

  private drop(key: string, feed: Feed): void {
    clearTimeout(feed.timer);
    if (this.feeds.get(key) === feed) this.feeds.delete(key);
  }

  private broadcast(feed: Feed, event: FramedEvent): void {
    for (const s of feed.subscribers) s.send(event);
  }

  private frame(feed: Feed, event: string, data: unknown): FramedEvent {
    feed.sequence += 1;
    return `event: ${event}\nid: ${feed.sequence}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}

function statusOf(view: RunStatusView) {
  return { sync_id: view.sync_id, status: view.status, live: view.live, cancel_requested_at: view.cancel_requested_at, finished_at: view.finished_at };
}

function partitionSignature(p: PartitionStatusView): string {
  return `${p.status}|${p.records.synced}|${p.records.failed}|${p.records.skipped}|${p.expected_records ?? ''}`;
}
