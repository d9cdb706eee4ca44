import { Octokit } from '@octokit/core';
import { withCustomRequest } from '@octokit/graphql';
import { InterruptedError, SyncError, toSyncError } from '../../errors/sync-error.js';
import type { Partition, RecordFailure, SourceRecord } from '../../ports/records.js';
import type { Source, SourcePage } from '../../ports/source.js';
import { COST_HEADER } from '../http/graphql-operation.js';
import { reuseParsedBodies } from './octokit-parsed-bodies.js';
import {
  ORG_REPOSITORIES,
  PULL_REQUEST_REVIEWS,
  PULL_REQUESTS,
  PULL_REQUESTS_WITH_REVIEWS,
  REPOSITORY_BY_NAME,
} from './github-graphql-queries.js';
import {
  parseOrgRepositories,
  parsePullRequestPage,
  parseRepository,
  parseReviewPage,
  pullRequestData,
  repositoryData,
  reviewData,
  type GraphqlPullRequest,
  type GraphqlReview,
} from './github-graphql-schemas.js';
import type { GithubSourceOptions } from './github-source.js';
import { UnreadableRepos } from './unreadable-repos.js';

type GraphqlClient = ReturnType<typeof withCustomRequest>;

/**
 * Reads repositories, pull requests and their reviews from GitHub's GraphQL API with octokit's
 * `graphql`, through the same instrumented fetch as REST. A page of pull requests comes with the
 * first 100 reviews of each in the same query (one point for 100 PRs and up to 10,000 reviews);
 * only pull requests whose reviews have a next page cost further queries. The cursor of a
 * partition is the pull-request connection's `endCursor`, so a resume does not depend on the
 * page size. Records have the REST source's entities, keys and field names.
 */
export class GithubGraphqlSource implements Source {
  readonly connector = 'github';
  private readonly query: GraphqlClient;
  /** Points each query (by operation name) cost last time, from its answer's `rateLimit.cost`. */
  private readonly learnedCost = new Map<string, number>();
  private readonly unreadable = new UnreadableRepos();

  constructor(private readonly options: GithubSourceOptions) {
    const client = new Octokit({
      auth: options.token,
      baseUrl: options.baseUrl,
      userAgent: 'syncscope',
      request: { fetch: options.fetch },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    reuseParsedBodies(client);
    this.query = withCustomRequest(client.request);
  }

  async listPartitions(): Promise<Partition[]> {
    const repos = this.options.repos?.length
      ? await this.unreadable.lookUp(this.options.repos, (fullName) => this.repository(fullName))
      : await this.orgRepositories();
    const sorted = repos.sort((a, b) => a.full_name.localeCompare(b.full_name));
    const limited = this.options.limitRepos === undefined ? sorted : sorted.slice(0, this.options.limitRepos);
    return limited.map((repo) => UnreadableRepos.partitionOf(repo));
  }

  async *readPartition(partition: Partition, cursor: string | undefined): AsyncIterable<SourcePage> {
    this.unreadable.check(partition.key);
    const [owner, name] = splitFullName(partition.key);
    if (cursor !== undefined && /^(?:offset:|page:)?\d+$/.test(cursor)) {
      throw new SyncError('VALIDATION_ERROR', `the checkpoint of ${partition.key} ("${cursor}") is a REST position: resume this sync with source.mode = "rest"`);
    }
    const withReviews = this.options.includeReviews;
    let after = cursor ?? null;
    for (;;) {
      const data = await this.send(withReviews ? PULL_REQUESTS_WITH_REVIEWS : PULL_REQUESTS, { owner, name, first: this.options.perPage, after });
      const page = parsePullRequestPage(data, partition.key);
      const records: SourceRecord[] = page.nodes.map((pr) => ({
        key: `${partition.key}#${pr.number}`,
        entity: 'pull_request',
        data: pullRequestData(pr, partition.key),
      }));
      const next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      if (page.pageInfo.hasNextPage && next === null) {
        throw new SyncError('VALIDATION_ERROR', `GitHub GraphQL said ${partition.key} has more pull requests but sent no endCursor`);
      }
      if (!withReviews) {
        yield { records, nextCursor: next ?? undefined };
      } else {
        const reviews = await this.reviewsOf(partition.key, page.nodes);
        const incomplete = new Set(reviews.failures.map((f) => f.key));
        yield { records: [...records.filter((r) => !incomplete.has(r.key)), ...reviews.records], failures: reviews.failures, nextCursor: next ?? undefined };
      }
      if (next === null) return;
      after = next;
    }
  }

  async close(): Promise<void> {}

  private async orgRepositories() {
    if (!this.options.org) throw new SyncError('VALIDATION_ERROR', 'GitHub source needs `org` or `repos`');
    const repos: Array<ReturnType<typeof repositoryData>> = [];
    let after: string | null = null;
    do {
      const page = parseOrgRepositories(await this.send(ORG_REPOSITORIES, { login: this.options.org, after }));
      repos.push(...page.nodes.map(repositoryData));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    return repos;
  }

  private async repository(fullName: string) {
    const [owner, name] = splitFullName(fullName);
    return repositoryData(parseRepository(await this.send(REPOSITORY_BY_NAME, { owner, name }), fullName));
  }

  /**
   * The reviews of a page of pull requests: those that came nested, plus the further pages of the
   * few that have more. A pull request whose further pages cannot be read is not written
   * half-complete: it fails with the error's category, as in REST mode.
   */
  private async reviewsOf(fullName: string, pulls: GraphqlPullRequest[]): Promise<{ records: SourceRecord[]; failures: RecordFailure[] }> {
    const records: SourceRecord[] = [];
    const failures: RecordFailure[] = [];
    for (const pr of pulls) {
      const key = `${fullName}#${pr.number}`;
      let reviews: GraphqlReview[];
      try {
        reviews = await this.allReviews(pr, key);
      } catch (error) {
        const syncError = toSyncError(error);
        if (syncError instanceof InterruptedError) throw syncError;
        failures.push({ key, category: syncError.category, message: `reviews could not be read: ${syncError.message}` });
        continue;
      }
      for (const review of reviews) {
        records.push({ key: `${key}/review-${review.fullDatabaseId}`, entity: 'review', data: reviewData(review, pr, fullName) });
      }
    }
    return { records, failures };
  }

  private async allReviews(pr: GraphqlPullRequest, key: string): Promise<GraphqlReview[]> {
    const first = pr.reviews;
    if (!first) throw new SyncError('VALIDATION_ERROR', `GitHub GraphQL sent ${key} without its reviews`);
    const reviews = [...first.nodes];
    let page = first.pageInfo;
    while (page.hasNextPage) {
      if (page.endCursor === null) throw new SyncError('VALIDATION_ERROR', `GitHub GraphQL said ${key} has more reviews but sent no endCursor`);
      const next = parseReviewPage(await this.send(PULL_REQUEST_REVIEWS, { id: pr.id, after: page.endCursor }), key);
      reviews.push(...next.nodes);
      page = next.pageInfo;
    }
    return reviews;
  }

  /**
   * One query; what fails arrives as the HTTP layer's categorised SyncError (a run told to stop as
   * its InterruptedError, which octokit carries as the cause of the error it wraps it in).
   */
  private async send(query: string, variables: Record<string, unknown>): Promise<unknown> {
    const name = operationNameOf(query);
    // The scheduler reserves this many points before sending, so a query that would overdraw
    // what is left until the reset waits for the reset instead of being refused by GitHub.
    const cost = this.learnedCost.get(name) ?? estimatedCost(query, variables);
    try {
      const data = await this.query(query, { ...variables, headers: { [COST_HEADER]: String(cost) } });
      const reported = reportedCost(data);
      if (reported !== undefined) this.learnedCost.set(name, Math.max(1, reported));
      return data;
    } catch (error) {
      throw toSyncError(error);
    }
  }
}

function operationNameOf(query: string): string {
  return /^\s*query\s+(\w+)/.exec(query)?.[1] ?? '(anonymous)';
}

/**
 * GitHub's documented estimate before a query has been answered once: the requests needed to
 * fill each connection at its `first`, / 100, rounded, at least 1. Only the pull-request page
 * with nested reviews has two levels (1 + `first` requests); the others are one connection.
 */
export function estimatedCost(query: string, variables: Record<string, unknown>): number {
  const first = typeof variables.first === 'number' ? variables.first : 100;
  const requests = query === PULL_REQUESTS_WITH_REVIEWS ? 1 + first : 1;
  return Math.max(1, Math.round(requests / 100));
}

function reportedCost(data: unknown): number | undefined {
  if (data === null || typeof data !== 'object' || !('rateLimit' in data)) return undefined;
  const block = data.rateLimit;
  if (block === null || typeof block !== 'object' || !('cost' in block)) return undefined;
  return typeof block.cost === 'number' && Number.isFinite(block.cost) ? block.cost : undefined;
}

function splitFullName(fullName: string): [string, string] {
  const [owner, repo] = fullName.split('/');
  if (!owner || !repo) throw new SyncError('VALIDATION_ERROR', `"${fullName}" is not an owner/name repository`);
  return [owner, repo];
}
