import type { Octokit } from '@octokit/core';
import { withParsedBody } from '../http/parsed-body.js';

/**
 * Gives octokit's responses the JSON the instrumented fetch has parsed already. octokit would
 * parse it again with json-with-bigint (a regex pass and a reviver over every value), about a
 * third of a sync's CPU at 100 PRs a page; GitHub's IDs stay far below 2^53, which the native
 * parser reads exactly. Both GitHub sources (REST and GraphQL) wrap their client with it.
 */
export function reuseParsedBodies(client: Pick<Octokit, 'hook'>): void {
  client.hook.wrap('request', (request, options) =>
    withParsedBody(async (take) => {
      const response = await request({ ...options, request: { ...options.request, parseSuccessResponseBody: false } });
      return { ...response, data: await take(response.data) };
    }),
  );
}
