/**
 * Cancellable sleeps that can all be cut short at once, so close() leaves no timer behind to keep
 * the process alive (a `slow` fault waits 30 s by default).
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  /** Resolves true after `ms`, or false as soon as `signal` aborts or `clearAll()` runs. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (elapsed: boolean): void => {
        clearTimeout(timer);
        this.pending.delete(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(elapsed);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      this.pending.set(timer, onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  clearAll(): void {
    for (const cancel of [...this.pending.values()]) cancel();
  }

  get size(): number {
    return this.pending.size;
  }
}
