import { describe, expect, it } from 'vitest';
import { GithubGraphqlSource } from '../../../src/connectors/github/github-graphql-source.js';
import { githubPolicy } from '../../../src/connectors/github/github-policy.js';
import { GithubSource, type GithubSourceOptions } from '../../../src/connectors/github/github-source.js';
import { createInstrumentedFetch } from '../../../src/connectors/http/instrumented-fetch.js';
import { GITHUB_ENTITIES, REPOSITORY_ENTITY } from '../../../src/connectors/sqlite/github-entities.js';
import { InterruptedError, SyncError } from '../../../src/errors/sync-error.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Partition, RecordFailure, SourceRecord } from '../../../src/ports/records.js';
import type { Source, SourcePage } from '../../../src/ports/source.js';
import { BudgetScheduler } from '../../../src/scheduling/budget-scheduler.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/scheduling/retry-policy.js';
import type { GithubSimulator } from '../../../src/simulator/github/index.js';
import { testTelemetry } from '../../helpers/test-telemetry.js';
import { sleep, useSimulators } from '../../simulator/github/helpers.js';

const TOKEN = 'ghp_GraphqlSourceTest000000000000000000';

/** A source of either mode over the real instrumented fetch, as the wiring builds it. */
function rig(sim: GithubSimulator, overrides: Partial<GithubSourceOptions> & { maxAttempts?: number; baseFetch?: typeof fetch; signal?: AbortSignal } = {}) {
  const t = testTelemetry({ knownSecrets: [TOKEN] });
  const scheduler = new BudgetScheduler({
    maxConcurrentPerToken: 4, resetMarginMs: 20, paceBelowShare: 0, maxPerEndpointPerMinute: 10_000, clock: systemClock,
    onWait: (notice) => t.telemetry.recordWait('github', notice),
  });
  const fetch = createInstrumentedFetch({
    policy: githubPolicy, tokenId: 'token-test', scheduler, telemetry: t.telemetry,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: overrides.maxAttempts ?? 3, baseDelayMs: 10 },
    requestTimeoutMs: 5000, clock: systemClock, auditBodies: 'none', signal: overrides.signal, ...(overrides.baseFetch ? { fetch: overrides.baseFetch } : {}),
  });
  const options: GithubSourceOptions = { baseUrl: sim.url, token: TOKEN, org: sim.org, includeReviews: true, perPage: 10, fetch, ...overrides };
  return { ...t, graphql: new GithubGraphqlSource(options), rest: new GithubSource(options) };
}

async function readAll(source: Source, partition: Partition, cursor?: string): Promise<{ pages: SourcePage[]; records: SourceRecord[]; failures: RecordFailure[] }> {
  const pages: SourcePage[] = [];
  for await (const page of source.readPartition(partition, cursor)) pages.push(page);
  return { pages, records: pages.flatMap((p) => p.records), failures: pages.flatMap((p) => p.failures ?? []) };
}

/** What the SQLite destination would store for each record, by key. */
function storedRows(records: SourceRecord[]): Record<string, unknown> {
  return Object.fromEntries(records.map((r) => {
    const row = GITHUB_ENTITIES.get(r.entity)?.toRow(r.data);
    return [`${r.entity} ${r.key}`, row?.ok ? row.row : row];
  }));
}

describe('GitHub source in GraphQL mode', () => {
  const start = useSimulators();

  it('reads what the REST source reads, with 100 reviews per PR nested and further pages only where needed', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 25, reviewsPerPr: 2, manyReviewsPrs: 1, manyReviewsCount: 250, token: TOKEN });
    const { graphql, rest } = rig(sim);
    const partitions = await graphql.listPartitions();
    const restPartitions = await rest.listPartitions();
    expect(partitions.map((p) => p.key)).toEqual(restPartitions.map((p) => p.key));
    partitions.forEach((p, i) => expect(REPOSITORY_ENTITY.toRow(p.metadata ?? {})).toEqual(REPOSITORY_ENTITY.toRow(restPartitions[i]?.metadata ?? {})));

    for (const partition of partitions) {
      const viaGraphql = await readAll(graphql, partition);
      const viaRest = await readAll(rest, partition);
      expect(viaGraphql.failures).toEqual([]);
      expect(viaGraphql.pages).toHaveLength(3);
      expect(viaGraphql.records.map((r) => r.key).sort()).toEqual(viaRest.records.map((r) => r.key).sort());
      expect(storedRows(viaGraphql.records)).toEqual(storedRows(viaRest.records));
      for (const row of Object.values(storedRows(viaGraphql.records))) expect(Array.isArray(row)).toBe(true);
    }
    const [many] = sim.manyReviewPulls();
    expect(many).toBeDefined();
    expect(sim.stats().graphql.byOperation).toEqual({
      SyncscopeOrgRepositories: { queries: 1, points: 1 },
      SyncscopePullRequestsWithReviews: { queries: 6, points: 6 },
      SyncscopePullRequestReviews: { queries: 2, points: 2 },
    });
  });

  it('reads pull requests without reviews in one query per page when reviews are off', async () => {
    const sim = await start({ repos: 1, prsPerRepo: 12 });
    const { graphql } = rig(sim, { includeReviews: false, perPage: 5 });
    const [partition] = await graphql.listPartitions();
    const { records, pages } = await readAll(graphql, partition!);
    expect(records.map((r) => r.entity)).toEqual(Array(12).fill('pull_request'));
    expect(pages.map((p) => p.nextCursor === undefined)).toEqual([false, false, true]);
    expect(sim.stats().graphql.byOperation.SyncscopePullRequests).toEqual({ queries: 3, points: 3 });
  });

  it('checkpoints on the connection cursor, so a resume with another page size continues exactly after it', async () => {
    const sim = await start({ repos: 1, prsPerRepo: 30, reviewsPerPr: 1, token: TOKEN });
    const first = rig(sim, { perPage: 7 }).graphql;
    const [partition] = await first.listPartitions();
    const iterator = first.readPartition(partition!, undefined)[Symbol.asyncIterator]();
    const page = (await iterator.next()).value as SourcePage;
    await iterator.return?.();
    const numbers = (records: SourceRecord[]) => records.filter((r) => r.entity === 'pull_request').map((r) => r.data.number);
    expect(numbers(page.records)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9+/=]+$/);

    const resumed = await readAll(rig(sim, { perPage: 5 }).graphql, partition!, page.nextCursor);
    expect(numbers(resumed.records)).toEqual(Array.from({ length: 23 }, (_, i) => 8 + i));
    expect(resumed.pages).toHaveLength(5);
  });

  it('refuses a REST page-number checkpoint, naming the mode to resume with', async () => {
    const sim = await start({ repos: 1, token: TOKEN });
    const { graphql } = rig(sim);
    const [partition] = await graphql.listPartitions();
    const error = await readAll(graphql, partition!, '3').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringContaining('source.mode = "rest"') });
  });

  it('reports a run told to stop as an interruption, not a failure', async () => {
    const sim = await start({ repos: 1, token: TOKEN });
    const { graphql } = rig(sim, { signal: AbortSignal.abort() });
    await expect(graphql.listPartitions()).rejects.toBeInstanceOf(InterruptedError);
    const [partition] = await rig(sim).graphql.listPartitions();
    await expect(readAll(graphql, partition!)).rejects.toBeInstanceOf(InterruptedError);
  });

  it('fails only the pull request whose further review pages cannot be read, with the error category', async () => {
    const sim = await start({ repos: 1, prsPerRepo: 6, reviewsPerPr: 1, manyReviewsPrs: 1, manyReviewsCount: 150, token: TOKEN });
    // GitHub keeps failing the follow-up query: the HTTP layer retries, then gives up.
    const baseFetch = (async (input: URL | RequestInfo, init?: RequestInit) =>
      String(init?.body).includes('SyncscopePullRequestReviews')
        ? new Response('{"message":"Server Error"}', { status: 502, headers: { 'content-type': 'application/json' } })
        : fetch(input, init)) as typeof fetch;
    const { graphql } = rig(sim, { baseFetch, maxAttempts: 2 });
    const [partition] = await graphql.listPartitions();
    const { records, failures } = await readAll(graphql, partition!);
    const [broken] = sim.manyReviewPulls();
    expect(failures).toEqual([{ key: broken, category: 'SERVER_ERROR', message: expect.stringMatching(/^reviews could not be read: POST \/graphql → 502 Bad Gateway: Server Error$/) }]);
    expect(records.filter((r) => r.entity === 'pull_request')).toHaveLength(5);
    expect(records.some((r) => r.key === broken || r.key.startsWith(`${broken}/`))).toBe(false);
    expect(records.filter((r) => r.entity === 'review')).toHaveLength(5);
  });

  it('waits out a RATE_LIMITED answer until the reset as a primary wait, without asking again before it', async () => {
    const sim = await start({ repos: 2, prsPerRepo: 3, token: TOKEN, graphqlRateLimit: { limit: 4, windowSeconds: 2 } });
    // At the start of a window, another client of the same token spends its points first.
    await sleep(2000 - (Date.now() % 2000) + 5);
    for (let i = 0; i < 4; i += 1) {
      await fetch(`${sim.url}/graphql`, { method: 'POST', headers: { authorization: `token ${TOKEN}` }, body: JSON.stringify({ query: '{ rateLimit { cost } }' }) });
    }
    const { graphql, lines, settle, exporter } = rig(sim);
    const startedAt = Date.now();
    const partitions = await graphql.listPartitions();
    expect(partitions).toHaveLength(2);
    const nextWindow = Math.ceil((startedAt + 1) / 2000) * 2000;
    expect(Date.now()).toBeGreaterThanOrEqual(nextWindow);
    expect(sim.stats().graphql).toMatchObject({ rateLimitRejections: 1, queries: 5 });
    await settle();
    // The hold until the reset (the scheduler may add its reset margin as a second, short one).
    const waits = lines.filter((l) => l.event === 'sync.api.rate_wait');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    for (const wait of waits) expect(wait).toMatchObject({ reason: 'primary', resource: 'graphql', connector: 'github' });
    expect(waits.reduce((sum, w) => sum + Number(w.wait_seconds), 0)).toBeGreaterThan(0.5);
    expect(lines.filter((l) => l.event === 'sync.api.retry')).toEqual([expect.objectContaining({ error_category: 'RATE_LIMITED', attempt: 2 })]);
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'POST /graphql');
    expect(spans.map((s) => s.attributes['error.type'] ?? 'ok')).toEqual(['RATE_LIMITED', 'ok']);
    expect(spans[1]?.attributes).toMatchObject({ 'sync.api.cost': 1, 'sync.ratelimit.resource': 'graphql', 'sync.ratelimit.remaining': 3 });
  });
});
