/**
 * Serialises mutations per board: Monday documents that concurrent mutations on one board can
 * corrupt its data, so partitions (customers) synced in parallel take turns for their writes while
 * their reads (lookups) overlap. Waiters are served in arrival order.
 */
export class BoardLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(boardId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(boardId) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(boardId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(boardId) === tail) this.tails.delete(boardId);
    }
  }
}
