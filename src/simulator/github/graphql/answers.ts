import type { GraphQLError } from 'graphql';
import type { Answer } from '../responses.js';

/*
 * GitHub's GraphQL answers. Everything GitHub can parse as a request is answered HTTP 200 with an
 * `errors` list — syntax errors included (GitHub sends `{"errors":[{"message":"Expected NAME,
 * actual: …","locations":[…]}]}` with 200, e.g. yanyongyu/githubkit#159) — and only a body that is
 * not JSON gets a 400 ("Problems parsing JSON", as on every GitHub API).
 */

const GRAPHQL_DOCS = 'https://docs.github.com/graphql';

/** One entry of `errors`: GitHub puts `type` at the top level (NOT_FOUND, RATE_LIMITED, ...). */
export interface GithubGraphqlError {
  type?: string;
  code?: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  message: string;
}

export function graphqlOk(body: { data?: unknown; errors?: GithubGraphqlError[] }): Answer {
  return { status: 200, body };
}

export function errorsOnly(errors: GithubGraphqlError[]): Answer {
  return graphqlOk({ errors });
}

export function problemsParsingJson(): Answer {
  return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: GRAPHQL_DOCS } };
}

export function bodyTooLarge(): Answer {
  return { status: 413, body: { message: 'Request body too large', documentation_url: GRAPHQL_DOCS } };
}

export function missingQuery(): Answer {
  return errorsOnly([{ message: 'A query attribute must be specified and must be a string.' }]);
}

/**
 * The primary limit: HTTP 200 and a typed error, no `data`. GitHub documents the type as
 * `RATE_LIMITED`; its servers have been seen answering `RATE_LIMIT` with `code:
 * "graphql_rate_limit"` and "already exceeded". The simulator alternates, so clients handle both.
 */
export function rateLimited(sequence: number): Answer {
  if (sequence % 2 === 0) return errorsOnly([{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }]);
  return errorsOnly([{ type: 'RATE_LIMIT', code: 'graphql_rate_limit', message: 'API rate limit already exceeded for user ID 1.' }]);
}

/** graphql-js errors in GitHub's layout (`type` hoisted out of `extensions`). */
export function githubErrorOf(error: GraphQLError): GithubGraphqlError {
  const type = typeof error.extensions.type === 'string' ? error.extensions.type : undefined;
  return {
    ...(type === undefined ? {} : { type }),
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.locations === undefined ? {} : { locations: error.locations }),
    message: error.message,
  };
}
