import { describe, expect, it } from 'vitest';
import { postGraphql, type GraphqlAnswer } from './graphql-helpers.js';
import { getJson, parseLink, useSimulators } from './helpers.js';

const PR_FIELDS = `id fullDatabaseId number title state isDraft createdAt updatedAt closedAt mergedAt url headRefName baseRefName author { login }`;
const REVIEW_FIELDS = 'id fullDatabaseId state submittedAt body url author { login }';

interface RestPull {
  id: number; node_id: string; number: number; title: string; state: string; draft: boolean; created_at: string; updated_at: string;
  closed_at: string | null; merged_at: string | null; html_url: string; head: { ref: string }; base: { ref: string }; user: { login: string };
}
interface RestReview { id: number; node_id: string; state: string; submitted_at: string; body: string; html_url: string; user: { login: string } }

/** Every REST page of a list, following Link rel="next". */
async function restAll<T>(first: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = first;
  while (next) {
    const res: Response = await fetch(next);
    items.push(...((await res.json()) as T[]));
    next = parseLink(res.headers.get('link')).next;
  }
  return items;
}

describe('GitHub simulator POST /graphql', () => {
  const start = useSimulators();

  it('serves the same repositories, pull requests and reviews as REST, field for field', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 12, reviewsPerPr: 3 });
    const answer = await postGraphql(sim.url, `query Q($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        id databaseId name nameWithOwner isPrivate url createdAt updatedAt owner { login } defaultBranchRef { name }
        pullRequests(first: 100, orderBy: { field: CREATED_AT, direction: ASC }) {
          totalCount nodes { ${PR_FIELDS} reviews(first: 100) { totalCount nodes { ${REVIEW_FIELDS} } } }
        }
      }
    }`, { owner: sim.org, name: 'repo-002' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const repo = answer.body.data?.repository;
    const rest = (await getJson<Record<string, any>>(`${sim.url}/repos/${sim.org}/repo-002`)).body;
    expect(repo).toMatchObject({
      id: rest.node_id, databaseId: rest.id, name: rest.name, nameWithOwner: rest.full_name, isPrivate: rest.private, url: rest.html_url,
      createdAt: rest.created_at, updatedAt: rest.updated_at, owner: { login: rest.owner.login }, defaultBranchRef: { name: rest.default_branch },
    });
    const pulls = await restAll<RestPull>(`${sim.url}/repos/${sim.org}/repo-002/pulls?state=all&direction=asc&per_page=5`);
    expect(repo.pullRequests.totalCount).toBe(12);
    expect(repo.pullRequests.nodes).toHaveLength(12);
    const states = new Set<string>();
    for (const [i, pr] of pulls.entries()) {
      const node = repo.pullRequests.nodes[i];
      states.add(node.state);
      expect(node).toMatchObject({
        id: pr.node_id, fullDatabaseId: String(pr.id), number: pr.number, title: pr.title, isDraft: pr.draft, createdAt: pr.created_at,
        updatedAt: pr.updated_at, closedAt: pr.closed_at, mergedAt: pr.merged_at, url: pr.html_url, headRefName: pr.head.ref,
        baseRefName: pr.base.ref, author: { login: pr.user.login },
      });
      expect(node.state).toBe(pr.state === 'open' ? 'OPEN' : pr.merged_at ? 'MERGED' : 'CLOSED');
      const reviews = await restAll<RestReview>(`${sim.url}/repos/${sim.org}/repo-002/pulls/${pr.number}/reviews`);
      expect(node.reviews.totalCount).toBe(3);
      expect(node.reviews.nodes).toEqual(reviews.map((r) => ({
        id: r.node_id, fullDatabaseId: String(r.id), state: r.state, submittedAt: r.submitted_at, body: r.body, url: r.html_url, author: { login: r.user.login },
      })));
    }
    expect(states).toEqual(new Set(['OPEN', 'CLOSED', 'MERGED']));
  });

  it('pages pull requests forward with first/after and backward with last/before', async () => {
    const sim = await start({ repos: 1, prsPerRepo: 7 });
    const page = (args: string) => postGraphql(sim.url, `{ repository(owner: "${sim.org}", name: "repo-001") {
      pullRequests(${args}) { nodes { number } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } } }`);
    const numbers: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await page(`first: 3${after ? `, after: "${after}"` : ''}`);
      const connection = res.body.data?.repository.pullRequests;
      numbers.push(...connection.nodes.map((n: { number: number }) => n.number));
      pages += 1;
      expect(connection.totalCount).toBe(7);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const last = (await page('last: 2')).body.data?.repository.pullRequests;
    expect(last.nodes.map((n: { number: number }) => n.number)).toEqual([6, 7]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = (await page(`last: 2, before: "${last.pageInfo.startCursor}"`)).body.data?.repository.pullRequests;
    expect(before.nodes.map((n: { number: number }) => n.number)).toEqual([4, 5]);
    const newest = (await page('first: 2, orderBy: { field: UPDATED_AT, direction: DESC }')).body.data?.repository.pullRequests;
    expect(newest.nodes.map((n: { number: number }) => n.number)).toEqual([7, 6]);
  });

  it('pages the repositories of an organization with cursors', async () => {
    const sim = await start({ repos: 5 });
    const names: string[] = [];
    let after: string | null = null;
    do {
      const res: GraphqlAnswer = await postGraphql(sim.url, `query R($after: String) { organization(login: "${sim.org}") {
        repositories(first: 2, after: $after, orderBy: { field: NAME, direction: ASC }) { nodes { name } pageInfo { hasNextPage endCursor } totalCount } } }`, { after });
      const connection = res.body.data?.organization.repositories;
      expect(connection.totalCount).toBe(5);
      names.push(...connection.nodes.map((n: { name: string }) => n.name));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(names).toEqual(['repo-001', 'repo-002', 'repo-003', 'repo-004', 'repo-005']);
  });

  it('pages the nested reviews of a pull request with more than 100 of them, by node ID or by number', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 6, reviewsPerPr: 2, manyReviewsPrs: 1, manyReviewsCount: 250 });
    const [target] = sim.manyReviewPulls();
    const [, repoName, number] = /^[^/]+\/([^#]+)#(\d+)$/.exec(target ?? '') ?? [];
    const first = await postGraphql(sim.url, `{ repository(owner: "${sim.org}", name: "${repoName}") {
      pullRequests(first: 100) { nodes { id number reviews(first: 100) { totalCount nodes { fullDatabaseId } pageInfo { hasNextPage endCursor } } } } } }`);
    const pulls = first.body.data?.repository.pullRequests.nodes as Array<Record<string, any>>;
    const many = pulls.filter((pr) => pr.reviews.pageInfo.hasNextPage);
    expect(many.map((pr) => pr.number)).toEqual([Number(number)]);
    for (const pr of pulls.filter((p) => p !== many[0])) expect(pr.reviews.totalCount).toBe(2);
    const pr = many[0]!;
    expect(pr.reviews).toMatchObject({ totalCount: 250 });
    const ids: string[] = pr.reviews.nodes.map((n: { fullDatabaseId: string }) => n.fullDatabaseId);
    let cursor: string = pr.reviews.pageInfo.endCursor;
    const byNode = await postGraphql(sim.url, `query N($id: ID!, $after: String) { node(id: $id) { ... on PullRequest {
      reviews(first: 100, after: $after) { nodes { fullDatabaseId } pageInfo { hasNextPage endCursor } } } } rateLimit { cost } }`, { id: pr.id, after: cursor });
    expect(byNode.body.data?.rateLimit.cost).toBe(1);
    ids.push(...byNode.body.data?.node.reviews.nodes.map((n: { fullDatabaseId: string }) => n.fullDatabaseId));
    expect(byNode.body.data?.node.reviews.pageInfo.hasNextPage).toBe(true);
    cursor = byNode.body.data?.node.reviews.pageInfo.endCursor;
    const byNumber = await postGraphql(sim.url, `{ repository(owner: "${sim.org}", name: "${repoName}") { pullRequest(number: ${number}) {
      reviews(first: 100, after: "${cursor}") { nodes { fullDatabaseId } pageInfo { hasNextPage } } } } }`);
    const tail = byNumber.body.data?.repository.pullRequest.reviews;
    expect(tail.pageInfo.hasNextPage).toBe(false);
    ids.push(...tail.nodes.map((n: { fullDatabaseId: string }) => n.fullDatabaseId));
    const rest = await restAll<RestReview>(`${sim.url}/repos/${sim.org}/${repoName}/pulls/${number}/reviews?per_page=100`);
    expect(rest).toHaveLength(250);
    expect(ids).toEqual(rest.map((r) => String(r.id)));
    expect(sim.expected()).toEqual({ repos: 2, pullRequests: 12, reviews: 11 * 2 + 250 });
  });

  it('answers databaseId above 32 bits with null and an error, as GitHub does, and fullDatabaseId as a string', async () => {
    const sim = await start({ repos: 1, prsPerRepo: 1, reviewsPerPr: 1 });
    const res = await postGraphql(sim.url, `{ repository(owner: "${sim.org}", name: "repo-001") {
      pullRequest(number: 1) { databaseId reviews(first: 1) { nodes { databaseId fullDatabaseId } } } } }`);
    expect(res.status).toBe(200);
    expect(res.body.data?.repository.pullRequest.databaseId).toBe(10_000_001);
    expect(res.body.data?.repository.pullRequest.reviews.nodes[0]).toEqual({ databaseId: null, fullDatabaseId: '10000001001' });
    expect(res.body.errors?.[0]?.path).toEqual(['repository', 'pullRequest', 'reviews', 'nodes', 0, 'databaseId']);
  });

  it('answers request errors as GitHub does: 400 only for a body that is not JSON, 200 with errors otherwise', async () => {
    const sim = await start();
    const notJson = await postGraphql(sim.url, '', undefined, { rawBody: '{"query": ' });
    expect(notJson).toMatchObject({ status: 400, body: { message: 'Problems parsing JSON' } });
    const noQuery = await postGraphql(sim.url, '', undefined, { rawBody: '{"variables": {}}' });
    expect(noQuery).toMatchObject({ status: 200, body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] } });
    const syntax = await postGraphql(sim.url, '{ repository(owner: "x" name: }');
    expect(syntax.status).toBe(200);
    expect(syntax.body.data).toBeUndefined();
    expect(syntax.body.errors?.[0]).toMatchObject({ locations: [{ line: 1, column: 31 }], message: expect.stringMatching(/^Syntax Error/) });
    const unknown = await postGraphql(sim.url, '{ viewer { login } }');
    expect(unknown.body.errors?.[0]?.message).toMatch(/Cannot query field "viewer" on type "Query"/);
    const badVariable = await postGraphql(sim.url, 'query Q($n: Int!) { rateLimit { cost } }', { n: 'ten' });
    expect(badVariable.body.errors?.[0]?.message).toMatch(/\$n/);
    const mutation = await postGraphql(sim.url, 'mutation { rateLimit { cost } }');
    expect(mutation.body.errors?.[0]?.message).toMatch(/mutation/);
    expect(sim.stats().graphql).toMatchObject({ queries: 0, pointsSpent: 0, invalidQueries: 6 });
    const budget = await postGraphql(sim.url, '{ rateLimit { remaining used } }');
    expect(budget.body.data?.rateLimit).toEqual({ remaining: 4999, used: 1 });
  });

  it('answers what cannot be found with partial data and typed errors', async () => {
    const sim = await start({ repos: 2, notFoundRepos: ['repo-002'] });
    const res = await postGraphql(sim.url, `{
      a: repository(owner: "${sim.org}", name: "repo-001") { name pullRequest(number: 999) { number } }
      b: repository(owner: "${sim.org}", name: "repo-002") { name }
      c: organization(login: "nobody") { login }
      d: node(id: "bm90IGEgbm9kZQ==") { id }
      e: repository(owner: "${sim.org}", name: "repo-001") { pullRequests(first: 1, after: "bogus") { totalCount } }
    }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ a: { name: 'repo-001', pullRequest: null }, b: null, c: null, d: null, e: null });
    const byPath = Object.fromEntries((res.body.errors ?? []).map((e) => [e.path?.join('.'), e]));
    expect(byPath['a.pullRequest']).toMatchObject({ type: 'NOT_FOUND', message: 'Could not resolve to a PullRequest with the number of 999.' });
    expect(byPath.b).toMatchObject({ type: 'NOT_FOUND', message: `Could not resolve to a Repository with the name '${sim.org}/repo-002'.` });
    expect(byPath.c).toMatchObject({ type: 'NOT_FOUND', message: "Could not resolve to an Organization with the login of 'nobody'." });
    expect(byPath.d).toMatchObject({ type: 'NOT_FOUND' });
    expect(byPath['e.pullRequests']).toMatchObject({ type: 'INVALID_CURSOR_ARGUMENTS', message: '`bogus` does not appear to be a valid cursor.' });
  });

  it('requires the token when one is set, like REST', async () => {
    const sim = await start({ token: 'ghp_secret' });
    expect((await postGraphql(sim.url, '{ rateLimit { cost } }')).status).toBe(401);
    const ok = await postGraphql(sim.url, '{ rateLimit { cost } }', undefined, { headers: { authorization: 'bearer ghp_secret' } });
    expect(ok).toMatchObject({ status: 200, body: { data: { rateLimit: { cost: 1 } } } });
  });
});
