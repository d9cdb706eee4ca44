import type { SimulatedOrg } from './data.js';
import { pageItems, paginate, parsePageRequest } from './pagination.js';
import { rateLimitBody, type RateLimitState } from './rate-limit.js';
import { notFound, ok, validationFailed, type Answer } from './responses.js';

export interface RouteContext {
  data: SimulatedOrg;
  /** Lower-cased names of repos that answer 404. */
  notFoundRepos: ReadonlySet<string>;
  /** The request's absolute URL (origin from its Host header), for Link headers. */
  url: URL;
  /** The primary budgets as they stand (core first, then graphql), for GET /rate_limit. */
  rateLimits: () => [RateLimitState, ...RateLimitState[]];
}

export interface Route {
  method: 'GET';
  /** As GitHub's docs write it; also the key of `stats().byRoute` and of the secondary limits. */
  template: string;
  /** GET /rate_limit is free of the primary budget, faults and secondary limits, as on GitHub. */
  exempt: boolean;
  handle(params: readonly string[], ctx: RouteContext): Answer;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
}

const PULLS_DOCS = 'https://docs.github.com/rest/pulls/pulls#list-pull-requests';
const REPOS_DOCS = 'https://docs.github.com/rest/repos/repos#list-organization-repositories';

/** Builds a route; `{name}` segments become captured params, in order. */
function route(template: string, handle: Route['handle'], exempt = false): CompiledRoute {
  const path = template.replace(/^GET /, '');
  const pattern = new RegExp(`^${path.replace(/\{[a-z_]+\}/g, '([^/]+)')}$`);
  return { method: 'GET', template, exempt, pattern, handle };
}

/** A query parameter restricted to documented values; `undefined` = invalid. */
function choice(query: URLSearchParams, name: string, allowed: readonly string[], fallback: string): string | undefined {
  const value = query.get(name) ?? fallback;
  return allowed.includes(value) ? value : undefined;
}

/**
 * Every ordering the simulator offers coincides with index order (timestamps grow with the index),
 * so a list only needs its direction. GitHub's default direction is `asc` when sorting by
 * full_name and `desc` otherwise.
 */
function listRepos(ctx: RouteContext, defaultSort: string): Answer {
  const query = ctx.url.searchParams;
  const sort = choice(query, 'sort', ['created', 'updated', 'pushed', 'full_name'], defaultSort);
  if (sort === undefined) return validationFailed('Repository', 'sort', REPOS_DOCS);
  const direction = choice(query, 'direction', ['asc', 'desc'], sort === 'full_name' ? 'asc' : 'desc');
  if (direction === undefined) return validationFailed('Repository', 'direction', REPOS_DOCS);
  const total = ctx.data.repoCount;
  const page = paginate(total, parsePageRequest(query), ctx.url);
  return ok(pageItems(page, (i) => ctx.data.repo(direction === 'asc' ? i + 1 : total - i)), page.link);
}

/** The repo a /repos/{owner}/{repo}/... path names, unless it answers 404. */
function findRepo(ctx: RouteContext, owner: string | undefined, name: string | undefined): number | undefined {
  if (owner?.toLowerCase() !== ctx.data.options.org.toLowerCase() || name === undefined) return undefined;
  if (ctx.notFoundRepos.has(name.toLowerCase())) return undefined;
  return ctx.data.repoIndex(name.toLowerCase());
}

function pullNumber(ctx: RouteContext, raw: string | undefined): number | undefined {
  const n = /^\d+$/.test(raw ?? '') ? Number(raw) : Number.NaN;
  return n >= 1 && n <= ctx.data.options.prsPerRepo ? n : undefined;
}

/** The newest PRs are the open ones, so each state is a contiguous range of numbers. */
function listPulls(ctx: RouteContext, repo: number): Answer {
  const query = ctx.url.searchParams;
  const state = choice(query, 'state', ['open', 'closed', 'all'], 'open');
  if (state === undefined) return validationFailed('PullRequest', 'state', PULLS_DOCS);
  const sort = choice(query, 'sort', ['created', 'updated', 'popularity', 'long-running'], 'created');
  if (sort === undefined) return validationFailed('PullRequest', 'sort', PULLS_DOCS);
  const direction = choice(query, 'direction', ['asc', 'desc'], sort === 'created' ? 'desc' : 'asc');
  if (direction === undefined) return validationFailed('PullRequest', 'direction', PULLS_DOCS);
  const total = ctx.data.options.prsPerRepo;
  const closed = total - ctx.data.context(repo).openCount;
  const [low, high] = state === 'open' ? [closed + 1, total] : state === 'closed' ? [1, closed] : [1, total];
  const page = paginate(high - low + 1, parsePageRequest(query), ctx.url);
  return ok(pageItems(page, (i) => ctx.data.pull(repo, direction === 'asc' ? low + i : high - i)), page.link);
}

const ROUTES: readonly CompiledRoute[] = [
  route('GET /rate_limit', (_, ctx) => ok(rateLimitBody(ctx.rateLimits())), true),
  route('GET /orgs/{org}/repos', ([org], ctx) =>
    org?.toLowerCase() === ctx.data.options.org.toLowerCase() ? listRepos(ctx, 'created') : notFound(),
  ),
  route('GET /user/repos', (_, ctx) => listRepos(ctx, 'full_name')),
  route('GET /repos/{owner}/{repo}', ([owner, name], ctx) => {
    const repo = findRepo(ctx, owner, name);
    return repo === undefined ? notFound() : ok(ctx.data.repo(repo));
  }),
  route('GET /repos/{owner}/{repo}/pulls', ([owner, name], ctx) => {
    const repo = findRepo(ctx, owner, name);
    return repo === undefined ? notFound() : listPulls(ctx, repo);
  }),
  route('GET /repos/{owner}/{repo}/pulls/{pull_number}', ([owner, name, raw], ctx) => {
    const repo = findRepo(ctx, owner, name);
    const number = pullNumber(ctx, raw);
    return repo === undefined || number === undefined ? notFound() : ok(ctx.data.pullDetail(repo, number));
  }),
  route('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', ([owner, name, raw], ctx) => {
    const repo = findRepo(ctx, owner, name);
    const number = pullNumber(ctx, raw);
    if (repo === undefined || number === undefined) return notFound();
    // Reviews come in chronological order, as GitHub lists them.
    const page = paginate(ctx.data.reviewCount(repo, number), parsePageRequest(ctx.url.searchParams), ctx.url);
    return ok(pageItems(page, (k) => ctx.data.review(repo, number, k)), page.link);
  }),
];

export interface MatchedRoute {
  route: Route;
  params: string[];
}

export function matchRoute(method: string, pathname: string): MatchedRoute | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (match) return { route: candidate, params: match.slice(1).map(decodeSegment) };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
