import { z } from 'zod';
import { buildOnce } from '../../config/build-once.js';
import { SyncError } from '../../errors/sync-error.js';

/*
 * GraphQL answers, checked at the edge and mapped to the shapes the REST source yields (REST's
 * field names and values), so a destination stores the same row whichever API read it.
 */

/** Built on the first answer read, not at import: a run's start-up does not pay for them. */
const schemas = buildOnce(buildSchemas);
type Schemas = ReturnType<typeof buildSchemas>;

function buildSchemas() {
  const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
  /** `fullDatabaseId` is a BigInt sent as a string; GitHub's IDs stay far below 2^53. */
  const bigId = z.string().regex(/^\d{1,15}$/, 'expected a decimal ID').transform(Number);
  const actor = z.object({ __typename: z.string().optional(), login: z.string() }).nullable();

  const repository = z.object({
    databaseId: z.number().int(),
    id: z.string(),
    name: z.string(),
    nameWithOwner: z.string(),
    owner: z.object({ login: z.string() }),
    isPrivate: z.boolean(),
    defaultBranchRef: z.object({ name: z.string() }).nullable(),
    url: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  });

  const review = z.object({
    id: z.string(),
    fullDatabaseId: bigId,
    state: z.string(),
    author: actor,
    submittedAt: z.string().nullable(),
    body: z.string(),
    url: z.string(),
  });

  const reviewPage = z.object({ nodes: z.array(review), pageInfo });

  const pullRequest = z.object({
    id: z.string(),
    fullDatabaseId: bigId,
    number: z.number().int(),
    title: z.string(),
    state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
    isDraft: z.boolean(),
    author: actor,
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    mergedAt: z.string().nullable(),
    headRefName: z.string(),
    baseRefName: z.string(),
    url: z.string(),
    reviews: reviewPage.optional(),
  });

  const repositoryPage = z.object({ nodes: z.array(repository), pageInfo });
  const pullRequestPage = z.object({ nodes: z.array(pullRequest), pageInfo });

  return {
    repository,
    pullRequest,
    review,
    pageInfo,
    actor,
    // The answers' envelopes, built once with the rest (a schema built per call compiles its checks per call).
    orgRepositories: z.object({ organization: z.object({ repositories: repositoryPage }) }),
    repositoryAnswer: z.object({ repository }),
    pullRequestAnswer: z.object({ repository: z.object({ pullRequests: pullRequestPage }) }),
    reviewAnswer: z.object({ node: z.object({ reviews: reviewPage }) }),
  };
}

export type GraphqlRepository = z.infer<Schemas['repository']>;
export type GraphqlPullRequest = z.infer<Schemas['pullRequest']>;
export type GraphqlReview = z.infer<Schemas['review']>;
export type PageInfo = z.infer<Schemas['pageInfo']>;

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SyncError('VALIDATION_ERROR', `GitHub GraphQL sent an unexpected ${what}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
}

export const parseOrgRepositories = (data: unknown) =>
  parse(schemas().orgRepositories, data, 'organization repository page').organization.repositories;
export const parseRepository = (data: unknown, fullName: string) =>
  parse(schemas().repositoryAnswer, data, `repository (${fullName})`).repository;
export const parsePullRequestPage = (data: unknown, fullName: string) =>
  parse(schemas().pullRequestAnswer, data, `pull request page (${fullName})`).repository.pullRequests;
export const parseReviewPage = (data: unknown, key: string) =>
  parse(schemas().reviewAnswer, data, `review page (${key})`).node.reviews;

/** REST writes bots as `name[bot]`; GraphQL's Bot login is the bare name. */
function userOf(author: z.infer<Schemas['actor']>): { login: string } | null {
  if (author === null) return null;
  return { login: author.__typename === 'Bot' ? `${author.login}[bot]` : author.login };
}

/** A repository as REST's `GET /repos/{owner}/{repo}` names its fields. */
export function repositoryData(r: GraphqlRepository): Record<string, unknown> & { full_name: string } {
  return {
    id: r.databaseId,
    node_id: r.id,
    name: r.name,
    full_name: r.nameWithOwner,
    owner: { login: r.owner.login },
    private: r.isPrivate,
    // An empty repository has no default branch ref; REST would still name the configured one.
    ...(r.defaultBranchRef === null ? {} : { default_branch: r.defaultBranchRef.name }),
    html_url: r.url,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

/** A pull request as REST's list names its fields; REST's `state` is `closed` for merged ones too. */
export function pullRequestData(pr: GraphqlPullRequest, repoFullName: string): Record<string, unknown> {
  return {
    id: pr.fullDatabaseId,
    node_id: pr.id,
    number: pr.number,
    title: pr.title,
    state: pr.state === 'OPEN' ? 'open' : 'closed',
    draft: pr.isDraft,
    user: userOf(pr.author),
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    head: { ref: pr.headRefName },
    base: { ref: pr.baseRefName },
    html_url: pr.url,
    repo_full_name: repoFullName,
  };
}

export function reviewData(r: GraphqlReview, pr: GraphqlPullRequest, repoFullName: string): Record<string, unknown> {
  return {
    id: r.fullDatabaseId,
    node_id: r.id,
    user: userOf(r.author),
    body: r.body,
    state: r.state,
    html_url: r.url,
    submitted_at: r.submittedAt,
    repo_full_name: repoFullName,
    pr_number: pr.number,
    pull_request_id: pr.fullDatabaseId,
  };
}
