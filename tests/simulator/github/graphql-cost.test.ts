import { getOperationAST, getVariableValues, parse, validate, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { assessQuery, pointsFor, type CostAssessment } from '../../../src/simulator/github/graphql/cost.js';
import { githubSchema } from '../../../src/simulator/github/graphql/schema.js';

/** Parses, validates and assesses a query as the endpoint does. */
function assess(query: string, variables: Record<string, unknown> = {}): CostAssessment {
  const schema = githubSchema();
  const document = parse(query);
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (!coerced.coerced) throw new Error(String(coerced.errors));
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition');
  return assessQuery(schema, operation, fragments, coerced.coerced);
}

const ORG = 'organization(login: "o")';
const REPO = 'repository(owner: "o", name: "r")';

describe('GitHub GraphQL cost (docs.github.com: rate limits and query limits for the GraphQL API)', () => {
  // [name, query, variables, requests, points, nodes]
  const cases: Array<[string, string, Record<string, unknown>, number, number, number]> = [
    ['rateLimit alone costs the minimum point', '{ rateLimit { cost remaining } }', {}, 0, 1, 0],
    ['a single connection is one request', `{ ${ORG} { repositories(first: 100) { totalCount } } }`, {}, 1, 1, 100],
    [
      "the docs' simple example: 50 repositories with 10 children each",
      `{ ${ORG} { repositories(first: 50) { nodes { name pullRequests(first: 10) { totalCount nodes { title } } } } } }`,
      {}, 51, 1, 550,
    ],
    [
      "the docs' complex example (issues → a second pullRequests, followers → a second repositories)",
      `{ ${ORG} {
          repositories(first: 50) { nodes {
            pullRequests(first: 20) { nodes { reviews(first: 10) { nodes { body } } } }
            issues: pullRequests(first: 20) { totalCount nodes { labels(first: 10) { nodes { name } } } }
          } }
          followers: repositories(first: 10) { nodes { name } }
        } }`,
      {}, 1 + 50 + 1000 + 50 + 1000 + 1, 21, 22_060,
    ],
    [
      'the sync query: 100 pull requests with 100 reviews each is one point',
      `{ ${REPO} { pullRequests(first: 100) { nodes { number reviews(first: 100) { nodes { state } totalCount } } pageInfo { hasNextPage } } } }`,
      {}, 101, 1, 10_100,
    ],
    [
      'rounds half up: 151 requests are 2 points',
      `{ ${ORG} { repositories(first: 50) { nodes { a: pullRequests(first: 1) { totalCount } b: pullRequests(first: 1) { totalCount } c: pullRequests(first: 1) { totalCount } } } } }`,
      {}, 151, 2, 200,
    ],
    [
      'rounds down below half: 149 requests are 1 point',
      `{ ${ORG} { repositories(first: 37) { nodes { a: pullRequests(first: 1) { totalCount } b: pullRequests(first: 1) { totalCount } c: pullRequests(first: 1) { totalCount } d: pullRequests(first: 1) { totalCount } } } } }`,
      {}, 149, 1, 185,
    ],
    ['`last` counts like `first`', `{ ${REPO} { pullRequests(last: 30) { nodes { reviews(last: 5) { totalCount } } } } }`, {}, 31, 1, 180],
    [
      'page sizes can come from variables',
      `query Q($n: Int!, $m: Int!) { ${REPO} { pullRequests(first: $n) { nodes { reviews(first: $m) { totalCount } } } } }`,
      { n: 100, m: 100 }, 101, 1, 10_100,
    ],
    [
      'a fragment counts each time it is spread',
      `query { ${REPO} { a: pullRequests(first: 10) { ...R } b: pullRequests(first: 10) { ...R } } }
       fragment R on PullRequestConnection { nodes { reviews(first: 100) { totalCount } } }`,
      {}, 22, 1, 2020,
    ],
    [
      'inline fragments on a node lookup: the nested review page is one request',
      '{ node(id: "x") { ... on PullRequest { reviews(first: 100, after: "c") { nodes { state } } } } }',
      {}, 1, 1, 100,
    ],
    [
      '@skip and @include leave their fields out',
      `query Q($yes: Boolean!) { ${REPO} { pullRequests(first: 100) { nodes { reviews(first: 100) @include(if: $yes) { totalCount } labels(first: 100) @skip(if: true) { totalCount } } } } }`,
      { yes: false }, 1, 1, 100,
    ],
    [
      'just under the node limit passes',
      `{ ${REPO} { pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { pullRequest { labels(first: 48) { totalCount } } } } } } } }`,
      {}, 1 + 100 + 10_000, 101, 100 + 10_000 + 480_000,
    ],
  ];

  it.each(cases)('%s', (_name, query, variables, requests, points, nodes) => {
    expect(assess(query, variables)).toEqual({ ok: true, cost: { requests, cost: points, nodeCount: nodes } });
  });

  it('divides requests by 100, rounds, and charges at least 1 point', () => {
    expect([0, 1, 49, 50, 149, 150, 1051, 25_000].map(pointsFor)).toEqual([1, 1, 1, 1, 1, 2, 11, 250]);
  });

  const refusals: Array<[string, string, string, string[], RegExp]> = [
    [
      'a connection without first or last',
      `{ ${REPO} { pullRequests { totalCount } } }`,
      'MISSING_PAGINATION_BOUNDARIES', ['repository', 'pullRequests'],
      /^You must provide a `first` or `last` value to properly paginate the `pullRequests` connection\.$/,
    ],
    [
      'a nested connection without bounds, named by its alias path',
      `{ ${REPO} { prs: pullRequests(first: 5) { nodes { reviews { totalCount } } } } }`,
      'MISSING_PAGINATION_BOUNDARIES', ['repository', 'prs', 'nodes', 'reviews'], /`reviews` connection/,
    ],
    [
      'first above 100',
      `{ ${ORG} { repositories(first: 101) { totalCount } } }`,
      'EXCESSIVE_PAGINATION', ['organization', 'repositories'],
      /^Requesting 101 records on the `repositories` connection exceeds the `first` limit of 100 records\.$/,
    ],
    ['last above 100', `{ ${REPO} { pullRequests(last: 500) { totalCount } } }`, 'EXCESSIVE_PAGINATION', ['repository', 'pullRequests'], /`last` limit of 100/],
    ['first below 1', `{ ${REPO} { pullRequests(first: 0) { totalCount } } }`, 'EXCESSIVE_PAGINATION', ['repository', 'pullRequests'], /between 1 and 100, got 0/],
    [
      'more than 500,000 nodes',
      `{ ${REPO} { pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { pullRequest { labels(first: 51) { totalCount } } } } } } } }`,
      'MAX_NODE_LIMIT_EXCEEDED', ['repository', 'pullRequests', 'nodes', 'reviews', 'nodes', 'pullRequest', 'labels'],
      /^By the time this query traverses to the labels connection, it is requesting up to 520,100 possible nodes which exceeds the maximum limit of 500,000\.$/,
    ],
  ];

  it.each(refusals)('refuses %s', (_name, query, type, path, message) => {
    const result = assess(query);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ type, path });
    expect(result.errors[0]?.message).toMatch(message);
    expect(result.errors[0]?.locations[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it('reports every connection that lacks bounds, not only the first', () => {
    const result = assess(`{ ${REPO} { a: pullRequests { totalCount } b: pullRequests(first: 1000) { totalCount } } }`);
    expect(result.ok ? [] : result.errors.map((e) => [e.type, e.path.join('.')])).toEqual([
      ['MISSING_PAGINATION_BOUNDARIES', 'repository.a'],
      ['EXCESSIVE_PAGINATION', 'repository.b'],
    ]);
  });
});
