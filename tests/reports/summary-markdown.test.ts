import { beforeEach, describe, expect, it } from 'vitest';
import type { RunDigest } from '../../src/reports/digest-types.js';
import { buildRunDigest } from '../../src/reports/run-digest.js';
import { renderSummaryMarkdown } from '../../src/reports/summary-markdown.js';
import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { aBatch, anApiCall, aRecordState, aRun, isoAt, syncIdAt } from '../contract/run-store.fixtures.js';
import { CURRENT, PREVIOUS, RETRY, seedRuns } from './seed.js';

/** The markdown table row whose first cell is `first`. */
function row(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no row "${first}" in:\n${markdown}`);
  return line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
}

describe('the executive summary (markdown)', () => {
  let store: InMemoryRunStore;
  let digest: RunDigest;
  beforeEach(async () => {
    store = new InMemoryRunStore();
    await seedRuns(store);
    digest = (await buildRunDigest(store, CURRENT))!;
  });

  it('heads with the status mark and the run overview', () => {
    const md = renderSummaryMarkdown(digest);
    expect(md.split('\n')[0]).toBe(`# ⚠️ Sync ${CURRENT}`);
    expect(row(md, 'Status')).toEqual(['Status', '⚠️ partial']);
    expect(row(md, 'Duration')).toEqual(['Duration', '12.0 s']);
    expect(row(md, 'Trace ID')).toEqual(['Trace ID', '`4bf92f3577b34da6a3ce929d0e0e4736`']);
    expect(row(md, 'Retried by')).toEqual(['Retried by', `\`${RETRY}\``]);
    expect(md).not.toContain('Grafana');
  });

  it('has a results row per partition with ✅/❌/⏸, records, errors and time, linking its report', () => {
    const md = renderSummaryMarkdown(digest);
    expect(row(md, '[octo/api](repo_reports/octo__api.md)')).toEqual(['[octo/api](repo_reports/octo__api.md)', '✅ succeeded', '30', '0', '4.0 s']);
    expect(row(md, '[octo/web](repo_reports/octo__web.md)')).toEqual(['[octo/web](repo_reports/octo__web.md)', '❌ failed', '10', '2 failed · VALIDATION_ERROR', '3.0 s']);
    expect(row(md, '[octo/gone](repo_reports/octo__gone.md)')).toEqual(['[octo/gone](repo_reports/octo__gone.md)', '❌ failed', '0', 'NOT_FOUND', '50 ms']);
    expect(row(md, '[octo/late](repo_reports/octo__late.md)')).toEqual(['[octo/late](repo_reports/octo__late.md)', '⏸ pending', '0', '0', '—']);
  });

  it('answers "why was this slow" with the time breakdown', () => {
    const md = renderSummaryMarkdown(digest);
    expect(md).toContain('**Most time went to API calls: 6 calls took 6.0 s in total (avg 1000 ms per call), of 12.0 s wall time.**');
    expect(row(md, 'API calls (6, cumulative)')).toEqual(['API calls (6, cumulative)', '6.0 s', '50%']);
    expect(row(md, 'Rate-limit waiting')).toEqual(['Rate-limit waiting', '2.0 s', '17%']);
    expect(row(md, 'Destination writes (cumulative)')).toEqual(['Destination writes (cumulative)', '350 ms', '3%']);
    expect(row(md, 'Other (listing, bookkeeping, idle)')).toEqual(['Other (listing, bookkeeping, idle)', '3.6 s', '30%']);
  });

  it('lists errors by category and the failing records, escaping pipes in messages', () => {
    const md = renderSummaryMarkdown(digest);
    expect(row(md, 'VALIDATION_ERROR')).toEqual(['VALIDATION_ERROR', '2', '0', 'title \\| too long #1']);
    expect(row(md, 'NOT_FOUND')).toEqual(['NOT_FOUND', '0', '1', 'GitHub 404: Not Found']);
    expect(row(md, '`octo/web#2`')).toEqual(['`octo/web#2`', 'octo/web', 'VALIDATION_ERROR', 'title \\| too long #2']);
  });

  it('shows totals, quota and signed deltas against the previous run', () => {
    const md = renderSummaryMarkdown(digest);
    expect(row(md, 'Batch success rate')).toEqual(['Batch success rate', '75.0% (3/4 batches)']);
    expect(row(md, 'Rate-limit waits')).toEqual(['Rate-limit waits', '1 waits · 2.0 s waiting · 0 rejections']);
    expect(row(md, 'github')).toEqual(['github', 'core', '6', '1', '6', '6.0 s']);
    expect(md).toContain(`Previous run: \`${PREVIOUS}\` (succeeded`);
    expect(row(md, 'Records synced').slice(0, 2)).toEqual(['Records synced', '38']);
    expect(md.split('\n').filter((l) => l.startsWith('| Records synced |')).at(-1)).toBe('| Records synced | 38 | −12 |');
    expect(row(md, 'Duration').length).toBe(2);
    expect(md).toContain('| Duration | 12.0 s | +2.0 s |');
    expect(md).toContain('| Quota spent (points) | 6 | +2 |');
  });

  it('adds Grafana trace and log links when a Grafana URL is set', async () => {
    const withLinks = (await buildRunDigest(store, CURRENT, { grafanaUrl: 'http://grafana:3000' }))!;
    const md = renderSummaryMarkdown(withLinks);
    expect(md).toContain('· [open trace in Grafana](http://grafana:3000/explore?');
    expect(row(md, 'Logs')[1]).toMatch(/^\[open logs in Grafana\]\(http:\/\/grafana:3000\/explore\?.*loki/);
  });

  it('says so honestly when a run listed no partitions and had no previous run', async () => {
    const md = renderSummaryMarkdown((await buildRunDigest(store, PREVIOUS))!);
    expect(md).toContain('No partitions were listed, so there are no partition reports.');
    expect(md).toContain('This is the first run of this pipeline in the store.');
    expect(md).toContain('No errors. ✅');
  });

  it('a REST run shows no GraphQL points at all', () => {
    expect(digest.api_points).toBeNull();
    expect(renderSummaryMarkdown(digest)).not.toMatch(/GraphQL points|Top queries/);
  });

  it('a GraphQL run shows the points spent, records per point and the costliest queries', async () => {
    const sync = syncIdAt(30, 'DDDD3333');
    await store.createRun(aRun({ syncId: sync, startedAt: isoAt(30) }));
    await store.commitBatch({ batch: aBatch(sync, 'octo/api', 1), records: [1, 2, 3, 4, 5, 6].map((n) => aRecordState(sync, 'octo/api', n)) });
    await store.recordApiCalls([
      anApiCall(sync, { resource: 'graphql', operation: 'OrganizationRepositories', cost: 1, durationMs: 100 }),
      anApiCall(sync, { resource: 'graphql', operation: 'RepositoryPullRequests', cost: 1, durationMs: 200 }),
      anApiCall(sync, { resource: 'graphql', operation: 'RepositoryPullRequests', cost: 1, durationMs: 300 }),
    ]);
    const graphql = (await buildRunDigest(store, sync))!;
    expect(graphql.api_points).toEqual({
      spent: 3,
      records_per_point: 2,
      top_queries: [
        { operation: 'RepositoryPullRequests', calls: 2, errors: 0, points: 2, duration_ms: 500 },
        { operation: 'OrganizationRepositories', calls: 1, errors: 0, points: 1, duration_ms: 100 },
      ],
    });
    const md = renderSummaryMarkdown(graphql);
    expect(md).toContain('**GraphQL points:** 3 points spent · 2 records per point');
    expect(row(md, '`RepositoryPullRequests`')).toEqual(['`RepositoryPullRequests`', '2', '0', '2', '500 ms']);
    expect(row(md, '`OrganizationRepositories`')).toEqual(['`OrganizationRepositories`', '1', '0', '1', '100 ms']);
  });
});
