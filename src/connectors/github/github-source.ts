import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { InterruptedError, SyncError, toSyncError } from '../../errors/sync-error.js';
import type { Partition, RecordFailure, SourceRecord } from '../../ports/records.js';
import type { Source, SourcePage } from '../../ports/source.js';
import { reuseParsedBodies } from './octokit-parsed-bodies.js';
import { offsetCursor, restStart } from './rest-position.js';
import { parsePullRequests, parseRepositories, parseReviews, type GithubPullRequest } from './github-schemas.js';
import { UnreadableRepos } from './unreadable-repos.js';

const GithubClient = Octokit.plugin(paginateRest);
type GithubClient = InstanceType<typeof GithubClient>;

export interface GithubSourceOptions {
  /** API root, e.g. `https://api.github.com` or a simulator's URL. */
  baseUrl: string;
  /** Personal access or installation token; never logged. */
  token?: string;
  /** Sync every repository of this organisation... */
  org?: string;
  /** ...or only these `owner/name` repositories. */
  repos?: string[];
  /** Also read each pull request's reviews (one call per pull request). */
  includeReviews: boolean;
  /** Page size for list calls; GitHub allows at most 100. */
  perPage: number;
  /** Sync at most this many repositories (the first, by name). */
  limitRepos?: number;
  /** The instrumented fetch every request goes through (spans, budget, retries, audit). */
  fetch: typeof fetch;
}

/**
 * Reads repositories and their pull requests (and optionally reviews) from GitHub's REST API with
 * octokit. The cursor of a partition is the offset of its pull request list consumed so far
 * (`rest-position.ts`), so a resume with another page size continues at the same record.
 */
export class GithubSource implements Source {
  readonly connector = 'github';
  private readonly client: GithubClient;
  private readonly unreadable = new UnreadableRepos();

  constructor(private readonly options: GithubSourceOptions) {
    this.client = new GithubClient({
      auth: options.token,
      baseUrl: options.baseUrl,
      userAgent: 'syncscope',
      request: { fetch: options.fetch },
      // octokit would print deprecation and request warnings to the console; ours go through events.
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    reuseParsedBodies(this.client);
  }

  async listPartitions(): Promise<Partition[]> {
    const repos = this.options.repos?.length
      ? await this.unreadable.lookUp(this.options.repos, (fullName) => this.getRepository(fullName))
      : await this.listOrgRepositories();
    const sorted = repos.sort((a, b) => a.full_name.localeCompare(b.full_name));
    const limited = this.options.limitRepos === undefined ? sorted : sorted.slice(0, this.options.limitRepos);
    return limited.map((repo) => UnreadableRepos.partitionOf(repo));
  }

  async *readPartition(partition: Partition, cursor: string | undefined): AsyncIterable<SourcePage> {
    this.unreadable.check(partition.key);
    const [owner, repo] = splitFullName(partition.key);
    const { perPage } = this.options;
    const start = restStart(cursor, perPage);
    const iterator = this.client.paginate.iterator('GET /repos/{owner}/{repo}/pulls', {
      owner,
      repo,
      state: 'all',
      sort: 'created',
      direction: 'asc',
      per_page: perPage,
      page: start.page,
    });
    let page = start.page;
    // Records of the first page consumed before the checkpoint (it was written with another page size).
    let skip = start.skip;
    try {
      for await (const response of iterator) {
        const all = parsePullRequests(response.data, partition.key);
        const expectedRecords = expectedPulls(response.headers.link, page, perPage, all.length);
        const consumed = (page - 1) * perPage + all.length;
        const pulls = all.slice(skip);
        skip = 0;
        page += 1;
        const nextCursor = nextPage(response.headers.link) === undefined ? undefined : offsetCursor(consumed);
        const records: SourceRecord[] = pulls.map((pr) => ({
          key: `${partition.key}#${pr.number}`,
          entity: 'pull_request',
          data: { ...pr, repo_full_name: partition.key },
        }));
        if (!this.options.includeReviews) {
          yield { records, nextCursor, expectedRecords };
          continue;
        }
        const reviews = await this.reviewsOf(partition.key, pulls);
        const incomplete = new Set(reviews.failures.map((f) => f.key));
        yield {
          records: [...records.filter((r) => !incomplete.has(r.key)), ...reviews.records],
          failures: reviews.failures,
          nextCursor,
          // Reviews are only known once read: the estimate counts pull requests alone.
          expectedRecords,
        };
      }
    } catch (error) {
      throw toSyncError(error);
    }
  }

  async close(): Promise<void> {}

  private async listOrgRepositories() {
    if (!this.options.org) throw new SyncError('VALIDATION_ERROR', 'GitHub source needs `org` or `repos`');
    try {
      const data = await this.client.paginate('GET /orgs/{org}/repos', { org: this.options.org, per_page: 100 });
      return parseRepositories(data);
    } catch (error) {
      throw toSyncError(error);
    }
  }

  private async getRepository(fullName: string) {
    const [owner, repo] = splitFullName(fullName);
    try {
      const response = await this.client.request('GET /repos/{owner}/{repo}', { owner, repo });
      const [parsed] = parseRepositories([response.data]);
      if (!parsed) throw new SyncError('VALIDATION_ERROR', `GitHub returned no repository for ${fullName}`);
      return parsed;
    } catch (error) {
      throw toSyncError(error);
    }
  }

  /**
   * Reviews of each pull request. A pull request whose reviews cannot be read (after the HTTP
   * layer's retries) is not written half-complete: it fails with the error's category.
   */
  private async reviewsOf(fullName: string, pulls: GithubPullRequest[]): Promise<{ records: SourceRecord[]; failures: RecordFailure[] }> {
    const [owner, repo] = splitFullName(fullName);
    const records: SourceRecord[] = [];
    const failures: RecordFailure[] = [];
    for (const pr of pulls) {
      let data: unknown;
      try {
        data = await this.client.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
          owner,
          repo,
          pull_number: pr.number,
          per_page: 100,
        });
      } catch (error) {
        const syncError = toSyncError(error);
        if (syncError instanceof InterruptedError) throw syncError;
        failures.push({
          key: `${fullName}#${pr.number}`,
          category: syncError.category,
          message: `reviews could not be read: ${syncError.message}`,
          ...(syncError.requestId ? { requestId: syncError.requestId } : {}),
        });
        continue;
      }
      for (const review of parseReviews(data, fullName)) {
        records.push({
          key: `${fullName}#${pr.number}/review-${review.id}`,
          entity: 'review',
          data: { ...review, repo_full_name: fullName, pr_number: pr.number, pull_request_id: pr.id },
        });
      }
    }
    return { records, failures };
  }
}

function splitFullName(fullName: string): [string, string] {
  const [owner, repo] = fullName.split('/');
  if (!owner || !repo) throw new SyncError('VALIDATION_ERROR', `"${fullName}" is not an owner/name repository`);
  return [owner, repo];
}

/**
 * Pull requests the repository holds, as far as this page tells: exact on the last page, else the
 * `rel="last"` page × page size (at most one page's worth too high). GitHub's list pagination:
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
export function expectedPulls(link: string | undefined, page: number, perPage: number, onThisPage: number): number {
  const last = link?.split(',').find((part) => /rel="last"/.test(part))?.match(/<([^>]+)>/)?.[1];
  const lastPage = last ? Number(new URL(last).searchParams.get('page')) : Number.NaN;
  if (Number.isInteger(lastPage) && lastPage > page) return lastPage * perPage;
  return (page - 1) * perPage + onThisPage;
}

/** The `page` of the `rel="next"` link, or undefined on the last page. */
export function nextPage(link: string | undefined): string | undefined {
  const next = link?.split(',').find((part) => /rel="next"/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? (new URL(url).searchParams.get('page') ?? undefined) : undefined;
}
