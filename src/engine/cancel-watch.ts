import type { Clock } from '../ports/clock.js';
import type { CancelRequest, RunStore } from '../ports/run-store.js';

export interface CancelWatchOptions {
  store: RunStore;
  syncId: string;
  clock: Clock;
  /** How often the store is asked, in the background and at most between batches. */
  pollMs: number;
  /** Told once, when a request is first seen. */
  onRequested?: (request: CancelRequest) => void;
  /** A failed poll; the watch keeps polling (a store hiccup must not cancel or fail the run). */
  onPollFailed?: (error: unknown) => void;
}

/**
 * Notices a cancel request stored for the run, by whichever process made it. The engine asks
 * `check()` between batches (a store read at most every `pollMs`); a background poll on the same
 * interval catches a request while the run sits in a long rate-limit wait, so the wiring can abort
 * that wait. The timer is unref'd and stopped with the run.
 */
export class CancelWatch {
  private request: CancelRequest | null = null;
  private lastPollMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly options: CancelWatchOptions) {}

  /** The request seen so far, if any. */
  get requested(): CancelRequest | null {
    return this.request;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  /** Between batches: true once a request is seen; reads the store only if the last read is stale. */
  async check(): Promise<boolean> {
    if (this.request) return true;
    if (this.options.clock.now() - this.lastPollMs >= this.options.pollMs) await this.poll();
    return this.request !== null;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): Promise<void> {
    // One read at a time: the background tick and a batch boundary share it.
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    if (this.request) return;
    this.lastPollMs = this.options.clock.now();
    try {
      const request = await this.options.store.getCancelRequest(this.options.syncId);
      if (request && !this.request) {
        this.request = request;
        this.stop();
        this.options.onRequested?.(request);
      }
    } catch (error) {
      this.options.onPollFailed?.(error);
    }
  }
}
