import { fakeSha, intIn, unit } from './rng.js';
import type { GithubPullRequest, GithubPullRequestDetail, GithubReview } from './shapes.js';
import { AREAS, F, LABELS, NOUNS, VERBS, iso, label, nodeId, person, pick } from './vocabulary.js';

export interface RepoContext {
  seed: number;
  org: string;
  repoIndex: number;
  repoName: string;
  prsPerRepo: number;
  /** Reviews of PR `number`: `reviewsPerPr` for most, more for the few picked to need several pages. */
  reviewCount: (number: number) => number;
  /** The newest `openCount` PRs are open, the older ones closed (as in a real backlog). */
  openCount: number;
}

const PR_EPOCH = Date.UTC(2021, 0, 1) / 1000;
const PR_SPAN = 3 * 365 * 86_400;
const REVIEW_STATES = ['APPROVED', 'COMMENTED', 'CHANGES_REQUESTED'] as const;

export function pullId(ctx: RepoContext, number: number): number {
  return ctx.repoIndex * 10_000_000 + number;
}

export function isOpen(ctx: RepoContext, number: number): boolean {
  return number > ctx.prsPerRepo - ctx.openCount;
}

function isMerged(ctx: RepoContext, number: number): boolean {
  return !isOpen(ctx, number) && unit(ctx.seed, F.prMerged, ctx.repoIndex, number) < 0.75;
}

/**
 * PR n is created in slot n of an evenly divided timeline, with jitter and last activity each
 * under half a slot: created_at and updated_at both increase strictly with the number, so
 * sort=created and sort=updated give the same, number order whatever the direction.
 */
function times(ctx: RepoContext, number: number): { created: number; updated: number } {
  const slot = Math.floor(PR_SPAN / (ctx.prsPerRepo + 1));
  const half = Math.floor(slot / 2);
  const shift = intIn(0, 86_400, ctx.seed, F.prShift, ctx.repoIndex);
  const created = PR_EPOCH + shift + number * slot + intIn(0, half, ctx.seed, F.prJitter, ctx.repoIndex, number);
  return { created, updated: created + intIn(0, half, ctx.seed, F.prDelta, ctx.repoIndex, number) };
}

export function pullRequest(ctx: RepoContext, number: number): GithubPullRequest {
  const { seed, org, repoIndex: r } = ctx;
  const id = pullId(ctx, number);
  const { created, updated } = times(ctx, number);
  const open = isOpen(ctx, number);
  const merged = isMerged(ctx, number);
  const labelCount = intIn(0, 3, seed, F.prLabels, r, number);
  const firstLabel = intIn(0, LABELS.length, seed, F.prLabels, r, number, 1);
  const ref = `feature/${pick(AREAS, seed, F.prTitle, r, number, 2)}-${number}`;
  return {
    id,
    node_id: nodeId('PullRequest', id),
    number,
    state: open ? 'open' : 'closed',
    locked: false,
    title: `${pick(VERBS, seed, F.prTitle, r, number)} ${pick(NOUNS, seed, F.prTitle, r, number, 1)} in ${pick(AREAS, seed, F.prTitle, r, number, 2)}`,
    user: person(seed, F.prAuthor, r, number),
    body: unit(seed, F.prBody, r, number) < 0.1 ? null : `Simulated pull request #${number} of ${ctx.repoName}.`,
    labels: Array.from({ length: labelCount }, (_, i) => label((firstLabel + i) % LABELS.length)),
    draft: open && unit(seed, F.prDraft, r, number) < 0.2,
    created_at: iso(created),
    updated_at: iso(updated),
    closed_at: open ? null : iso(updated),
    merged_at: merged ? iso(updated) : null,
    merge_commit_sha: merged ? fakeSha(seed, F.prSha, r, number, 1) : null,
    head: { label: `${org}:${ref}`, ref, sha: fakeSha(seed, F.prSha, r, number) },
    base: { label: `${org}:main`, ref: 'main', sha: fakeSha(seed, F.prSha, r, number, 2) },
    html_url: `https://github.com/${org}/${ctx.repoName}/pull/${number}`,
    author_association: unit(seed, F.prAuthor, r, number, 1) < 0.8 ? 'MEMBER' : 'CONTRIBUTOR',
  };
}

/** The single-PR endpoint adds size counts that GitHub leaves out of lists. */
export function pullRequestDetail(ctx: RepoContext, number: number): GithubPullRequestDetail {
  const pr = pullRequest(ctx, number);
  const at = (salt: number, min: number, max: number): number => intIn(min, max, ctx.seed, F.prSize, ctx.repoIndex, number, salt);
  return {
    ...pr,
    merged: pr.merged_at !== null,
    comments: at(1, 0, 10),
    review_comments: at(2, 0, 2 * ctx.reviewCount(number) + 1),
    commits: at(3, 1, 12),
    additions: at(4, 1, 800),
    deletions: at(5, 0, 400),
    changed_files: at(6, 1, 30),
  };
}

/** Review k (0-based) of a PR; reviews are spread between the PR's creation and its last activity. */
export function review(ctx: RepoContext, number: number, k: number): GithubReview {
  const { seed, repoIndex: r } = ctx;
  const id = pullId(ctx, number) * 1000 + k + 1;
  const { created, updated } = times(ctx, number);
  const count = ctx.reviewCount(number);
  const submitted = created + Math.floor(((k + 1) * (updated - created)) / (count + 1));
  // A merged PR's last review approves it, as branch protection would require.
  const state = isMerged(ctx, number) && k === count - 1 ? 'APPROVED' : pick(REVIEW_STATES, seed, F.reviewState, r, number, k);
  return {
    id,
    node_id: nodeId('PullRequestReview', id),
    user: person(seed, F.reviewer, r, number, k),
    body: state === 'APPROVED' && unit(seed, F.reviewBody, r, number, k) < 0.5 ? '' : `Review ${k + 1}: ${state.toLowerCase()}.`,
    state,
    html_url: `https://github.com/${ctx.org}/${ctx.repoName}/pull/${number}#pullrequestreview-${id}`,
    commit_id: fakeSha(seed, F.prSha, r, number),
    submitted_at: iso(submitted),
    author_association: 'MEMBER',
  };
}
