import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type FaultKind } from '../../src/simulator/github/index.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_faultSuiteToken000000000000000000000';

/** Each fault kind, and the error category its retries must show in `sync.api.retry` events. */
const KINDS: Array<[FaultKind, string]> = [
  ['html_200', 'SERVER_ERROR'],
  ['html_502', 'SERVER_ERROR'],
  ['cut_stream', 'NETWORK_ERROR'],
  ['primary_limit_429', 'RATE_LIMITED'],
  ['slow', 'TIMEOUT'],
];

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Every case has its own simulator, store and database, so the cases run side by side.
describe.concurrent('fault suite: each fault kind × REST and GraphQL ends with every record synced and the ledger balanced', () => {
  for (const mode of ['rest', 'graphql'] as const) {
    for (const [kind, category] of KINDS) {
      it(`${mode} × ${kind}`, { timeout: 120_000 }, async () => {
        const sim = await startGithubSimulator({
          repos: 2,
          prsPerRepo: 6,
          reviewsPerPr: 1,
          token: TOKEN,
          seed: 7,
          faults: { rate: 0.35, kinds: [kind], slowMs: 1500, retryAfterSeconds: 1 },
          // A spent primary budget is waited out until the window resets: a 2 s window keeps that short.
          ...(kind === 'primary_limit_429' ? { rateLimit: { limit: 5000, windowSeconds: 2 }, graphqlRateLimit: { limit: 5000, windowSeconds: 2 } } : {}),
        });
        try {
          const dir = join(tmp.dir, `${mode}-${kind}`);
          const config = join(tmp.dir, `${mode}-${kind}.toml`);
          writeFileSync(config, [
            '[pipeline]', `name = "faults-${mode}-${kind.replaceAll('_', '-')}"`,
            '[source]', 'type = "github"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, `mode = "${mode}"`, 'include_reviews = true', 'per_page = 3',
            '[destination]', 'type = "sqlite"', `path = "${dir}-github.db"`,
            '[store]', 'type = "sqlite"', `path = "${dir}-store.db"`,
            '[reports]', `dir = "${dir}-reports"`,
            '[api]', 'request_timeout_ms = 1000', 'max_attempts = 8', 'reset_margin_ms = 50',
          ].join('\n'));
          const result = await runCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
          expect(result.code, result.stderr.slice(-3000)).toBe(0);

          const injected = sim.stats().faultsByKind[kind];
          expect(injected).toBeGreaterThan(0);
          const expected = sim.expected();
          const summary = JSON.parse(result.stdout);
          expect(summary.status).toBe('succeeded');
          expect(summary.records).toEqual({ synced: expected.pullRequests + expected.reviews, failed: 0, skipped: 0, pending: 0 });

          // The ledger, read back from the store: every partition's records add up to what it saw.
          const store = new Database(`${dir}-store.db`, { readonly: true });
          const partitions = store.prepare('SELECT partition_key, status, records_synced, records_failed, records_skipped FROM partitions WHERE sync_id = ?').all(summary.sync_id) as Array<{
            partition_key: string; status: string; records_synced: number; records_failed: number; records_skipped: number;
          }>;
          const states = store.prepare('SELECT partition_key, status, COUNT(*) AS n FROM record_states WHERE sync_id = ? GROUP BY partition_key, status').all(summary.sync_id) as Array<{ partition_key: string; status: string; n: number }>;
          store.close();
          expect(partitions).toHaveLength(2);
          for (const p of partitions) {
            expect(p.status).toBe('succeeded');
            const stored = states.filter((s) => s.partition_key === p.partition_key);
            expect(stored.map((s) => s.status)).toEqual(['synced']);
            expect(p.records_synced + p.records_failed + p.records_skipped).toBe(stored[0]!.n);
          }

          // The fault shows in the retry events, under its category.
          const retries = jsonLines(result.stderr).filter((e) => e.event === 'sync.api.retry');
          expect(retries.length).toBeGreaterThanOrEqual(1);
          expect(retries.some((e) => e.error_category === category)).toBe(true);
        } finally {
          await sim.close();
        }
      });
    }
  }
});
