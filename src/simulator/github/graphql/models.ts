import type { SimulatedOrg } from '../data.js';
import type { GithubLabel, GithubPullRequest, GithubRepo, GithubReview, GithubUser } from '../shapes.js';
import { connection, githubError, type Connection, type ConnectionArgs } from './connection.js';

/*
 * GraphQL objects over the same seeded data the REST routes serve: each is built from the REST
 * shape of the same repository, pull request or review, so both APIs agree field by field.
 * graphql-js's default resolver reads plain fields and calls methods with the field's arguments.
 */

type Direction = 'ASC' | 'DESC';
interface Order {
  field: string;
  direction: Direction;
}
type PullState = 'OPEN' | 'CLOSED' | 'MERGED';

export interface ActorModel {
  __typename: 'User' | 'Organization';
  id: string;
  databaseId: number;
  login: string;
  url: string;
}

/** An ordered selection of 1-based indices (repo indices, PR numbers, review numbers). */
interface Ordered {
  total: number;
  at(i: number): number;
}

function range(low: number, high: number, direction: Direction): Ordered {
  const total = Math.max(0, high - low + 1);
  return { total, at: (i) => (direction === 'ASC' ? low + i : high - i) };
}

function listed(items: readonly number[], direction: Direction): Ordered {
  return { total: items.length, at: (i) => items[direction === 'ASC' ? i : items.length - 1 - i] ?? 0 };
}

function user(u: GithubUser): ActorModel {
  return { __typename: u.type === 'Organization' ? 'Organization' : 'User', id: u.node_id, databaseId: u.id, login: u.login, url: `https://github.com/${u.login}` };
}

/** The GraphQL state: REST says `closed` for merged and unmerged alike. */
export function pullState(pr: GithubPullRequest): PullState {
  if (pr.state === 'open') return 'OPEN';
  return pr.merged_at === null ? 'CLOSED' : 'MERGED';
}

/** Builds the GraphQL objects of one organization. */
export class GraphModels {
  constructor(
    private readonly data: SimulatedOrg,
    private readonly notFoundRepos: ReadonlySet<string>,
  ) {}

  organization(login: string) {
    if (login.toLowerCase() !== this.data.options.org.toLowerCase()) {
      throw githubError(`Could not resolve to an Organization with the login of '${login}'.`, 'NOT_FOUND');
    }
    return this.orgModel();
  }

  repository(owner: string, name: string) {
    const index = this.reachableRepo(owner, name);
    if (index === undefined) throw githubError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, 'NOT_FOUND');
    return this.repoModel(index);
  }

  /** A node by its global ID; the legacy IDs the simulator issues are base64 of `0<len>:<Type><id>`. */
  node(id: string) {
    const found = this.decodeNode(id);
    if (found === undefined) throw githubError(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
    return found;
  }

  private decodeNode(id: string) {
    const text = Buffer.from(id, 'base64').toString('utf8');
    const match = /^0(\d+):/.exec(text);
    if (!match?.[1]) return undefined;
    const typeLength = Number(match[1]);
    const type = text.slice(match[0].length, match[0].length + typeLength);
    const digits = text.slice(match[0].length + typeLength);
    if (!/^\d+$/.test(digits)) return undefined;
    const databaseId = Number(digits);
    if (type === 'Organization') return databaseId === this.data.owner.id ? this.orgModel() : undefined;
    if (type === 'Repository') return this.reachable(databaseId - 1_000_000) ? this.repoModel(databaseId - 1_000_000) : undefined;
    if (type === 'PullRequest') {
      const repo = Math.floor(databaseId / 10_000_000);
      const number = databaseId % 10_000_000;
      return this.reachable(repo) && this.hasPull(number) ? this.pullModel(repo, number) : undefined;
    }
    if (type === 'PullRequestReview') {
      const prId = Math.floor(databaseId / 1000);
      const [repo, number, k] = [Math.floor(prId / 10_000_000), prId % 10_000_000, (databaseId % 1000) - 1];
      const ok = this.reachable(repo) && this.hasPull(number) && k >= 0 && k < this.data.reviewCount(repo, number);
      return ok ? this.reviewModel(repo, number, k) : undefined;
    }
    return undefined;
  }

  private orgModel() {
    return {
      ...user(this.data.owner),
      name: this.data.options.org,
      repositories: (args: ConnectionArgs & { orderBy?: Order | null; privacy?: 'PUBLIC' | 'PRIVATE' | null }) =>
        this.repositories(args),
    };
  }

  /** Every ordering offered coincides with index order (created, pushed and names grow with it). */
  private repositories(args: ConnectionArgs & { orderBy?: Order | null; privacy?: 'PUBLIC' | 'PRIVATE' | null }) {
    const direction = args.orderBy?.direction ?? 'ASC';
    const total = this.data.repoCount;
    let ordered = range(1, total, direction);
    if (args.privacy) {
      const wanted = args.privacy === 'PRIVATE';
      const matching = Array.from({ length: total }, (_, i) => i + 1).filter((i) => this.data.repo(i).private === wanted);
      ordered = listed(matching, direction);
    }
    return connection(ordered.total, (i) => this.repoModel(ordered.at(i)), args);
  }

  private repoModel(index: number) {
    const r: GithubRepo = this.data.repo(index);
    return {
      __typename: 'Repository',
      id: r.node_id,
      databaseId: r.id,
      name: r.name,
      nameWithOwner: r.full_name,
      owner: () => this.orgModel(),
      description: r.description,
      url: r.html_url,
      isPrivate: r.private,
      visibility: r.visibility.toUpperCase(),
      isFork: r.fork,
      isArchived: r.archived,
      isDisabled: r.disabled,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      pushedAt: r.pushed_at,
      defaultBranchRef: { name: r.default_branch, prefix: 'refs/heads/' },
      primaryLanguage: r.language === null ? null : { name: r.language },
      stargazerCount: r.stargazers_count,
      forkCount: r.forks_count,
      pullRequest: ({ number }: { number: number }) => {
        if (!this.hasPull(number)) throw githubError(`Could not resolve to a PullRequest with the number of ${number}.`, 'NOT_FOUND');
        return this.pullModel(index, number);
      },
      pullRequests: (args: ConnectionArgs & { orderBy?: Order | null; states?: PullState[] | null }) => this.pullRequests(index, args),
    };
  }

  /** CREATED_AT and UPDATED_AT both follow the PR number (timestamps grow with it). */
  private pullRequests(repo: number, args: ConnectionArgs & { orderBy?: Order | null; states?: PullState[] | null }): Connection<unknown> {
    const direction = args.orderBy?.direction ?? 'ASC';
    const total = this.data.options.prsPerRepo;
    const closed = total - this.data.context(repo).openCount;
    const states = new Set(args.states ?? []);
    let ordered: Ordered;
    if (states.size === 0 || states.size === 3) ordered = range(1, total, direction);
    else if (states.size === 1 && states.has('OPEN')) ordered = range(closed + 1, total, direction);
    else if (states.size === 2 && !states.has('OPEN')) ordered = range(1, closed, direction);
    else {
      const numbers = Array.from({ length: total }, (_, i) => i + 1).filter((n) => states.has(pullState(this.data.pull(repo, n))));
      ordered = listed(numbers, direction);
    }
    return connection(ordered.total, (i) => this.pullModel(repo, ordered.at(i)), args);
  }

  private pullModel(repo: number, number: number) {
    const pr = this.data.pull(repo, number);
    const detail = () => this.data.pullDetail(repo, number);
    return {
      __typename: 'PullRequest',
      id: pr.node_id,
      databaseId: pr.id,
      fullDatabaseId: String(pr.id),
      number: pr.number,
      title: pr.title,
      // GraphQL's body is non-null: an empty description is "".
      body: pr.body ?? '',
      url: pr.html_url,
      state: pullState(pr),
      isDraft: pr.draft,
      locked: pr.locked,
      closed: pr.state === 'closed',
      closedAt: pr.closed_at,
      merged: pr.merged_at !== null,
      mergedAt: pr.merged_at,
      mergeCommit: pr.merge_commit_sha === null ? null : { oid: pr.merge_commit_sha },
      createdAt: pr.created_at,
      updatedAt: pr.updated_at,
      author: user(pr.user),
      authorAssociation: pr.author_association,
      headRefName: pr.head.ref,
      headRefOid: pr.head.sha,
      baseRefName: pr.base.ref,
      baseRefOid: pr.base.sha,
      additions: () => detail().additions,
      deletions: () => detail().deletions,
      changedFiles: () => detail().changed_files,
      repository: () => this.repoModel(repo),
      labels: (args: ConnectionArgs) => connection(pr.labels.length, (i) => labelModel(pr.labels[i]), args),
      reviews: (args: ConnectionArgs & { states?: string[] | null }) => this.reviews(repo, number, args),
    };
  }

  /** Reviews in chronological order, as GitHub lists them. */
  private reviews(repo: number, number: number, args: ConnectionArgs & { states?: string[] | null }) {
    const count = this.data.reviewCount(repo, number);
    let ordered = range(0, count - 1, 'ASC');
    if (args.states?.length) {
      const states = new Set(args.states);
      const ks = Array.from({ length: count }, (_, k) => k).filter((k) => states.has(this.data.review(repo, number, k).state));
      ordered = listed(ks, 'ASC');
    }
    return connection(ordered.total, (i) => this.reviewModel(repo, number, ordered.at(i)), args);
  }

  private reviewModel(repo: number, number: number, k: number) {
    const r: GithubReview = this.data.review(repo, number, k);
    return {
      __typename: 'PullRequestReview',
      id: r.node_id,
      databaseId: r.id,
      fullDatabaseId: String(r.id),
      state: r.state,
      body: r.body,
      url: r.html_url,
      author: user(r.user),
      authorAssociation: r.author_association,
      commit: { oid: r.commit_id },
      createdAt: r.submitted_at,
      submittedAt: r.submitted_at,
      pullRequest: () => this.pullModel(repo, number),
    };
  }

  private reachableRepo(owner: string, name: string): number | undefined {
    if (owner.toLowerCase() !== this.data.options.org.toLowerCase()) return undefined;
    const index = this.data.repoIndex(name.toLowerCase());
    return index !== undefined && this.reachable(index) ? index : undefined;
  }

  /** A repo that exists and does not play 404 (`notFoundRepos`). */
  private reachable(index: number): boolean {
    return index >= 1 && index <= this.data.repoCount && !this.notFoundRepos.has(this.data.repoName(index));
  }

  private hasPull(number: number): boolean {
    return Number.isInteger(number) && number >= 1 && number <= this.data.options.prsPerRepo;
  }
}

function labelModel(l: GithubLabel | undefined) {
  if (l === undefined) return null;
  return { __typename: 'Label', id: l.node_id, name: l.name, color: l.color, isDefault: l.default };
}
