import { z } from 'zod';
import { SyncError } from '../../errors/sync-error.js';

/**
 * The fields Syncscope relies on, checked at the edge; everything else GitHub sends is kept
 * (`loose`) so the destination can store it.
 */
const repository = z.looseObject({
  id: z.number(),
  name: z.string(),
  full_name: z.string(),
});

const pullRequest = z.looseObject({
  id: z.number(),
  number: z.number(),
});

const review = z.looseObject({
  id: z.number(),
});

export type GithubRepository = z.infer<typeof repository>;
export type GithubPullRequest = z.infer<typeof pullRequest>;
export type GithubReview = z.infer<typeof review>;

/**
 * Built once: a zod schema is costly to construct (and compiles its parser on first use), and a
 * sync parses a list per API call (one per pull request with reviews on).
 */
const repositories = z.array(repository);
const pullRequests = z.array(pullRequest);
const reviews = z.array(review);

function parseList<T>(schema: z.ZodType<T[]>, data: unknown, what: string): T[] {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SyncError(
      'VALIDATION_ERROR',
      `GitHub sent an unexpected ${what} list: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return result.data;
}

export const parseRepositories = (data: unknown) => parseList(repositories, data, 'repository');
export const parsePullRequests = (data: unknown, repo: string) => parseList(pullRequests, data, `pull request (${repo})`);
export const parseReviews = (data: unknown, repo: string) => parseList(reviews, data, `review (${repo})`);
