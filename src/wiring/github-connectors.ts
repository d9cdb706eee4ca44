import type { GithubPipelineConfig } from '../config/pipeline-schema.js';
import { githubPolicy } from '../connectors/github/github-policy.js';
import { GithubGraphqlSource } from '../connectors/github/github-graphql-source.js';
import { GithubSource } from '../connectors/github/github-source.js';
import { createInstrumentedFetch } from '../connectors/http/instrumented-fetch.js';
import { SqliteDestination } from '../connectors/sqlite/sqlite-destination.js';
import { DEFAULT_RETRY_POLICY } from '../scheduling/retry-policy.js';
import type { PipelineConnectors, PipelineContext } from './pipeline-connectors.js';
import { MODE_BEFORE_RECORDED } from './resume-check.js';

/**
 * The GitHub → SQLite pipeline's adapters: octokit over the instrumented fetch (spans, budget,
 * retries, audit) in REST or GraphQL mode (`source.mode`), and the SQLite destination when the
 * run executes.
 */
export function githubConnectors(config: GithubPipelineConfig, ctx: PipelineContext): PipelineConnectors {
  const Source = config.source.mode === 'graphql' ? GithubGraphqlSource : GithubSource;
  const source = new Source({
    baseUrl: config.source.base_url,
    token: ctx.token,
    org: config.source.org,
    repos: config.source.repos,
    includeReviews: config.source.include_reviews,
    perPage: config.source.per_page,
    limitRepos: config.source.limit_repos,
    fetch: createInstrumentedFetch({
      policy: githubPolicy,
      tokenId: ctx.tokenId,
      scheduler: ctx.scheduler,
      telemetry: ctx.telemetry,
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: config.api.max_attempts },
      requestTimeoutMs: config.api.request_timeout_ms,
      clock: ctx.clock,
      auditBodies: config.audit.bodies,
      auditSample: { first: config.audit.sample_first, every: config.audit.sample_every },
      signal: ctx.signal,
    }),
  });
  return {
    connector: githubPolicy.connector,
    source,
    destination: ctx.execute ? new SqliteDestination({ path: config.destination.path }) : undefined,
    recordedOptions: {
      source: { type: config.source.type, mode: config.source.mode, base_url: ctx.redactor.url(config.source.base_url), org: config.source.org ?? null },
      destination: config.destination,
    },
    // GraphQL cursors name a node, whatever `first` was; REST checkpoints are offsets. Both still
    // depend on what is listed and in which mode, and a page size change is refused all the same.
    readOptions: {
      mode: config.source.mode,
      per_page: config.source.per_page,
      include_reviews: config.source.include_reviews,
      org: config.source.org ?? null,
      repos: config.source.repos ?? null,
      limit_repos: config.source.limit_repos ?? null,
    },
    readOptionsBeforeRecorded: { mode: MODE_BEFORE_RECORDED },
  };
}
