import { SyncError, toSyncError } from '../../errors/sync-error.js';
import type { Partition } from '../../ports/records.js';

/** Lookup failures that concern one repository only; anything else (a bad token, an outage) still fails the run. */
const PER_REPOSITORY = new Set(['NOT_FOUND', 'PERMISSION_DENIED']);

/**
 * The configured `repos`, looked up one by one. A repository that is missing or hidden becomes a
 * partition without metadata whose read fails with the lookup's error, so one typo in `repos`
 * fails that partition, named, and the other repositories still sync.
 */
export class UnreadableRepos {
  private readonly failures = new Map<string, SyncError>();

  async lookUp<R extends { full_name: string }>(fullNames: string[], lookUp: (fullName: string) => Promise<R>): Promise<Array<R | { full_name: string; missing: true }>> {
    return Promise.all(
      fullNames.map(async (fullName) => {
        try {
          return await lookUp(fullName);
        } catch (error) {
          const syncError = toSyncError(error);
          if (!PER_REPOSITORY.has(syncError.category)) throw syncError;
          this.failures.set(fullName, syncError);
          return { full_name: fullName, missing: true as const };
        }
      }),
    );
  }

  /** The partition of each looked-up repository: metadata only for those that exist. */
  static partitionOf(repo: { full_name: string; missing?: true }): Partition {
    return 'missing' in repo && repo.missing ? { key: repo.full_name, kind: 'repo' } : { key: repo.full_name, kind: 'repo', metadata: repo };
  }

  /** Throws the lookup's error for a repository that could not be read; the engine fails its partition. */
  check(partitionKey: string): void {
    const failure = this.failures.get(partitionKey);
    if (!failure) return;
    throw new SyncError(failure.category, `repository ${partitionKey} could not be read: ${failure.message}`, {
      cause: failure,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      ...(failure.requestId ? { requestId: failure.requestId } : {}),
    });
  }
}
