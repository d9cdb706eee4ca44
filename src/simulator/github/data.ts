import { hash32, intIn, unit } from './rng.js';
import { pullRequest, pullRequestDetail, review, type RepoContext } from './pull-requests.js';
import type { GithubPullRequest, GithubPullRequestDetail, GithubRepo, GithubReview, GithubUser } from './shapes.js';
import { F, LANGUAGES, AREAS, NOUNS, iso, nodeId, pick } from './vocabulary.js';

export interface OrgDataOptions {
  org: string;
  repos: number;
  prsPerRepo: number;
  reviewsPerPr: number;
  /** How many pull requests (picked from the seed, across the org) have `manyReviewsCount` reviews instead. */
  manyReviewsPrs: number;
  /** Reviews of each of those pull requests: above 100, they take more than one page to read. */
  manyReviewsCount: number;
  seed: number;
}

/** Id scheme limits: a PR id is repoIndex * 1e7 + number, a review id prId * 1000 + k (all < 2^53). */
export const MAX_REPOS = 99_999;
export const MAX_PRS_PER_REPO = 9_999_999;
export const MAX_REVIEWS_PER_PR = 999;

const DAY = 86_400;
/** Repos are created over the half year before the PR timeline starts. */
const REPO_EPOCH = Date.UTC(2020, 5, 1) / 1000;
const REPO_SPAN = 180 * DAY;
const ORG_ID = 9_000_001;

/**
 * A whole organization computed on demand: every repo, PR and review is a pure function of
 * (seed, indices), so a million PRs cost no memory and any page can be served directly.
 */
export class SimulatedOrg {
  readonly owner: GithubUser;
  private readonly width: number;
  /** Repo index → numbers of its pull requests with many reviews. */
  private readonly manyReviews: ReadonlyMap<number, ReadonlySet<number>>;

  constructor(readonly options: OrgDataOptions) {
    validate(options);
    this.width = Math.max(3, String(options.repos).length);
    this.manyReviews = pickManyReviewPulls(options);
    this.owner = { login: options.org, id: ORG_ID, node_id: nodeId('Organization', ORG_ID), type: 'Organization', site_admin: false };
  }

  get repoCount(): number {
    return this.options.repos;
  }

  /** `repo-001`, zero-padded so names sort like their indices (1-based). */
  repoName(index: number): string {
    return `repo-${String(index).padStart(this.width, '0')}`;
  }

  /** The 1-based index of a repo name this org has, or undefined. */
  repoIndex(name: string): number | undefined {
    const match = /^repo-(\d+)$/.exec(name);
    if (!match?.[1] || match[1].length !== this.width) return undefined;
    const index = Number(match[1]);
    return index >= 1 && index <= this.options.repos ? index : undefined;
  }

  repo(index: number): GithubRepo {
    const { seed, org } = this.options;
    const name = this.repoName(index);
    const spacing = Math.floor(REPO_SPAN / (this.options.repos + 1));
    const shift = intIn(0, DAY, seed, F.repoShift);
    // Monotonic in the index, so every `sort` of the repo list orders repos by index.
    const created = REPO_EPOCH + shift + index * spacing;
    const pushed = REPO_EPOCH + 4 * 365 * DAY + shift + index * spacing;
    const isPrivate = unit(seed, F.repoPrivate, index) < 0.3;
    const id = 1_000_000 + index;
    return {
      id,
      node_id: nodeId('Repository', id),
      name,
      full_name: `${org}/${name}`,
      private: isPrivate,
      visibility: isPrivate ? 'private' : 'public',
      owner: this.owner,
      html_url: `https://github.com/${org}/${name}`,
      description: `${pick(AREAS, seed, F.repoDescription, index)} service: ${pick(NOUNS, seed, F.repoDescription, index, 1)}`,
      fork: false,
      default_branch: 'main',
      created_at: iso(created),
      updated_at: iso(pushed),
      pushed_at: iso(pushed),
      language: pick(LANGUAGES, seed, F.repoLanguage, index),
      stargazers_count: intIn(0, 500, seed, F.repoStars, index),
      watchers_count: intIn(0, 500, seed, F.repoStars, index),
      forks_count: intIn(0, 40, seed, F.repoForks, index),
      // GitHub counts open pull requests as issues too.
      open_issues_count: this.context(index).openCount + intIn(0, 20, seed, F.repoIssues, index),
      archived: false,
      disabled: false,
      topics: [],
    };
  }

  /** What the PR and review generators need to know about one repo. */
  context(index: number): RepoContext {
    const { seed, org, prsPerRepo } = this.options;
    const openShare = 0.1 + 0.2 * unit(seed, F.openShare, index);
    return {
      seed,
      org,
      repoIndex: index,
      repoName: this.repoName(index),
      prsPerRepo,
      reviewCount: (number) => this.reviewCount(index, number),
      openCount: Math.floor(prsPerRepo * openShare),
    };
  }

  /** Reviews of one pull request: `reviewsPerPr`, or `manyReviewsCount` for the few picked ones. */
  reviewCount(index: number, number: number): number {
    return this.manyReviews.get(index)?.has(number) ? this.options.manyReviewsCount : this.options.reviewsPerPr;
  }

  /** The pull requests with many reviews (repo index, number), in repo then number order. */
  manyReviewPulls(): Array<{ repo: number; number: number }> {
    return [...this.manyReviews.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([repo, numbers]) => [...numbers].sort((a, b) => a - b).map((number) => ({ repo, number })));
  }

  pull(index: number, number: number): GithubPullRequest {
    return pullRequest(this.context(index), number);
  }

  pullDetail(index: number, number: number): GithubPullRequestDetail {
    return pullRequestDetail(this.context(index), number);
  }

  review(index: number, number: number, k: number): GithubReview {
    return review(this.context(index), number, k);
  }
}

function validate(o: OrgDataOptions): void {
  const check = (name: string, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`GitHub simulator: ${name} must be an integer in 0..${max}, got ${value}`);
    }
  };
  check('repos', o.repos, MAX_REPOS);
  check('prsPerRepo', o.prsPerRepo, MAX_PRS_PER_REPO);
  check('reviewsPerPr', o.reviewsPerPr, MAX_REVIEWS_PER_PR);
  check('manyReviewsCount', o.manyReviewsCount, MAX_REVIEWS_PER_PR);
  check('manyReviewsPrs', o.manyReviewsPrs, Math.min(1000, o.repos * o.prsPerRepo));
  if (!Number.isInteger(o.seed)) throw new RangeError(`GitHub simulator: seed must be an integer, got ${o.seed}`);
}

/**
 * Picks `manyReviewsPrs` distinct pull requests from the seed, spread over the org. Bounded by
 * validation to 1,000 picks, so the set is small whatever the org's size.
 */
function pickManyReviewPulls(o: OrgDataOptions): Map<number, Set<number>> {
  const picked = new Map<number, Set<number>>();
  let count = 0;
  for (let i = 0; count < o.manyReviewsPrs; i += 1) {
    const repo = 1 + (hash32(o.seed, F.manyReviews, i) % o.repos);
    const number = 1 + (hash32(o.seed, F.manyReviews, i, 1) % o.prsPerRepo);
    const numbers = picked.get(repo) ?? new Set<number>();
    if (numbers.has(number)) continue;
    numbers.add(number);
    picked.set(repo, numbers);
    count += 1;
  }
  return picked;
}
