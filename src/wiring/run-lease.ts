import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UsageError } from '../errors/sync-error.js';
import type { Clock } from '../ports/clock.js';
import type { RunLease, RunStore } from '../ports/run-store.js';

export interface RunLeaseOptions {
  /** How often the holder proves it is alive. Default 5 s. */
  heartbeatMs?: number;
  /** A lease not heart-beaten for this long is stale: its holder is presumed gone. Default 30 s. */
  staleAfterMs?: number;
  /** A heartbeat could not be written (the store is down); the run goes on. */
  onHeartbeatFailed?: (error: unknown) => void;
}

/** `host:pid:random`: unique per process and attempt, and enough to tell a dead local holder. */
export function leaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Whether the lease's holder is a process of this host that no longer exists (`kill -9`'d): then
 * its lease is taken over at once instead of after `staleAfterMs`. `process.kill(pid, 0)` sends
 * nothing; it fails with ESRCH for a pid that is gone (EPERM: alive, another user's).
 */
export function holderIsDeadLocally(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The lease of one sync held by this process for the length of a run, so a second `--resume` of a
 * running sync is refused (exit 2, naming the holder) instead of interleaving with it.
 */
export class HeldRunLease {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: RunStore,
    readonly syncId: string,
    readonly owner: string,
  ) {}

  /** Takes the sync's lease or throws a `UsageError` naming the live holder. */
  static async acquire(store: RunStore, syncId: string, clock: Clock, options: RunLeaseOptions = {}): Promise<HeldRunLease> {
    const staleAfterMs = options.staleAfterMs ?? 30_000;
    const owner = leaseOwner();
    const now = () => new Date(clock.now()).toISOString();
    const staleBefore = () => new Date(clock.now() - staleAfterMs).toISOString();
    let outcome = await store.acquireLease({ syncId, owner, now: now(), staleBefore: staleBefore() });
    if (!outcome.acquired && holderIsDeadLocally(outcome.lease.owner)) {
      outcome = await store.acquireLease({ syncId, owner, now: now(), staleBefore: staleBefore(), replaceOwner: outcome.lease.owner });
    }
    if (!outcome.acquired) throw refusal(outcome.lease);
    const held = new HeldRunLease(store, syncId, owner);
    held.timer = setInterval(() => {
      store.heartbeatLease(syncId, owner, now()).catch((error: unknown) => options.onHeartbeatFailed?.(error));
    }, options.heartbeatMs ?? 5_000);
    held.timer.unref();
    return held;
  }

  /** Stops the heartbeat and drops the lease; a failure to drop it is left to staleness. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.store.releaseLease(this.syncId, this.owner);
  }
}

function refusal(lease: RunLease): UsageError {
  return new UsageError(
    `sync ${lease.syncId} is running in another process (lease owner ${lease.owner}, last heartbeat ${lease.heartbeatAt}); ` +
      'wait for it to end, or resume after it stopped',
  );
}
