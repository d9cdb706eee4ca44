/**
 * The peer: what a competent Node engineer would write instead of Syncscope for the same job.
 * `@octokit/core` with the throttling, retry and paginate-rest plugins (GitHub's recommended
 * client stack), the same endpoints (the org's repositories, each repository's pull requests,
 * each pull request's reviews when asked), the same concurrency (that many repositories at once,
 * each read page by page), and better-sqlite3 with the same tables, pragmas and upserts by GitHub
 * id, one transaction per page. No telemetry, no run store, no reports: a sync's cost without
 * what Syncscope adds. Run as compiled JavaScript in its own process, like bench/sync-worker.ts;
 * prints one JSON line.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Database from 'better-sqlite3';

export interface PeerArgs {
  baseUrl: string;
  org: string;
  token?: string;
  dir: string;
  perPage: number;
  /** Repositories synced at once. */
  concurrency: number;
  includeReviews: boolean;
  /** Epoch ms to start at (a rate-limit window boundary). */
  startAt?: number;
}

export interface PeerResult {
  elapsedMs: number;
  startedAtMs: number;
  /** Epoch ms of the first API request (for start-up: process start → first request). */
  firstRequestAtMs: number;
  records: number;
  requests: number;
  /** Times the throttling plugin waited on a primary or secondary rate-limit answer. */
  rateLimitWaits: number;
  maxRssMb: number;
  cpuMs: number;
  /** Size of the database file after the sync. */
  dbBytes: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as PeerArgs;
const dbPath = join(args.dir, 'peer.db');
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`
  CREATE TABLE IF NOT EXISTS repositories (github_id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, name TEXT NOT NULL,
    owner TEXT NOT NULL, private INTEGER NOT NULL, default_branch TEXT NOT NULL, html_url TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, synced_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS pull_requests (github_id INTEGER PRIMARY KEY, repo_full_name TEXT NOT NULL, number INTEGER NOT NULL,
    title TEXT NOT NULL, state TEXT NOT NULL, draft INTEGER NOT NULL, author TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, closed_at TEXT, merged_at TEXT, head_ref TEXT NOT NULL, base_ref TEXT NOT NULL,
    html_url TEXT NOT NULL, synced_at TEXT NOT NULL, UNIQUE (repo_full_name, number));
  CREATE TABLE IF NOT EXISTS reviews (github_id INTEGER PRIMARY KEY, pull_request_github_id INTEGER NOT NULL,
    repo_full_name TEXT NOT NULL, pr_number INTEGER NOT NULL, reviewer TEXT, state TEXT NOT NULL, submitted_at TEXT,
    synced_at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS reviews_pull_request ON reviews (pull_request_github_id);
`);
const upsertRepo = db.prepare(`INSERT INTO repositories VALUES (@id, @full_name, @name, @owner, @private, @default_branch, @html_url, @created_at, @updated_at, @synced_at)
  ON CONFLICT (github_id) DO UPDATE SET full_name = excluded.full_name, name = excluded.name, owner = excluded.owner, private = excluded.private,
  default_branch = excluded.default_branch, html_url = excluded.html_url, created_at = excluded.created_at, updated_at = excluded.updated_at, synced_at = excluded.synced_at`);
const upsertPull = db.prepare(`INSERT INTO pull_requests VALUES (@id, @repo, @number, @title, @state, @draft, @author, @created_at, @updated_at, @closed_at, @merged_at, @head_ref, @base_ref, @html_url, @synced_at)
  ON CONFLICT (github_id) DO UPDATE SET repo_full_name = excluded.repo_full_name, number = excluded.number, title = excluded.title, state = excluded.state,
  draft = excluded.draft, author = excluded.author, created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
  merged_at = excluded.merged_at, head_ref = excluded.head_ref, base_ref = excluded.base_ref, html_url = excluded.html_url, synced_at = excluded.synced_at`);
const upsertReview = db.prepare(`INSERT INTO reviews VALUES (@id, @pull_id, @repo, @pr_number, @reviewer, @state, @submitted_at, @synced_at)
  ON CONFLICT (github_id) DO UPDATE SET pull_request_github_id = excluded.pull_request_github_id, repo_full_name = excluded.repo_full_name,
  pr_number = excluded.pr_number, reviewer = excluded.reviewer, state = excluded.state, submitted_at = excluded.submitted_at, synced_at = excluded.synced_at`);

interface Repo { id: number; name: string; full_name: string; owner: { login: string }; private: boolean; default_branch: string; html_url: string; created_at: string; updated_at: string }
interface Pull { id: number; number: number; title: string; state: string; draft?: boolean; user: { login: string } | null; created_at: string; updated_at: string; closed_at: string | null; merged_at: string | null; head: { ref: string }; base: { ref: string }; html_url: string }
interface Review { id: number; user: { login: string } | null; state: string; submitted_at?: string | null }

/** One page of pull requests (and their reviews) in one transaction. */
const writePage = db.transaction((repo: string, pulls: Pull[], reviews: Map<Pull, Review[]>) => {
  const syncedAt = new Date().toISOString();
  for (const p of pulls) {
    upsertPull.run({
      id: p.id, repo, number: p.number, title: p.title, state: p.state, draft: p.draft ? 1 : 0, author: p.user?.login ?? null,
      created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, merged_at: p.merged_at,
      head_ref: p.head.ref, base_ref: p.base.ref, html_url: p.html_url, synced_at: syncedAt,
    });
    for (const r of reviews.get(p) ?? []) {
      upsertReview.run({ id: r.id, pull_id: p.id, repo, pr_number: p.number, reviewer: r.user?.login ?? null, state: r.state, submitted_at: r.submitted_at ?? null, synced_at: syncedAt });
    }
  }
});

const PeerOctokit = Octokit.plugin(throttling, retry, paginateRest);
let firstRequestAtMs = 0;
let rateLimitWaits = 0;
const octokit = new PeerOctokit({
  auth: args.token,
  baseUrl: args.baseUrl,
  // Start-up is measured where each program hands its first request to fetch (as Syncscope's
  // audit row is): Node loads its fetch implementation inside that first call, in both.
  request: {
    fetch: (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      if (firstRequestAtMs === 0) firstRequestAtMs = Date.now();
      return fetch(input, init);
    },
  },
  throttle: {
    // What the plugin's README suggests: wait as told and retry, a few times.
    onRateLimit: (_retryAfter: number, _options: object, _octokit: unknown, retryCount: number) => {
      rateLimitWaits += 1;
      return retryCount < 5;
    },
    onSecondaryRateLimit: (_retryAfter: number, _options: object, _octokit: unknown, retryCount: number) => {
      rateLimitWaits += 1;
      return retryCount < 5;
    },
  },
});
let requests = 0;
octokit.hook.before('request', () => {
  requests += 1;
});

let records = 0;

async function syncRepo(repo: Repo): Promise<void> {
  const [owner, name] = repo.full_name.split('/') as [string, string];
  const pages = octokit.paginate.iterator('GET /repos/{owner}/{repo}/pulls', { owner, repo: name, state: 'all', sort: 'created', direction: 'asc', per_page: args.perPage });
  for await (const page of pages) {
    const pulls = page.data as unknown as Pull[];
    const reviews = new Map<Pull, Review[]>();
    if (args.includeReviews) {
      for (const pull of pulls) {
        const list = await octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner, repo: name, pull_number: pull.number, per_page: 100 });
        reviews.set(pull, list as unknown as Review[]);
        records += list.length;
      }
    }
    writePage(repo.full_name, pulls, reviews);
    records += pulls.length;
  }
}

if (args.startAt) await new Promise((r) => setTimeout(r, Math.max(0, args.startAt! - Date.now())));
const startedAtMs = Date.now();
const started = performance.now();
const cpuStarted = process.cpuUsage();
const repos = (await octokit.paginate('GET /orgs/{org}/repos', { org: args.org, per_page: 100 })) as unknown as Repo[];
const syncedAt = new Date().toISOString();
db.transaction(() => {
  for (const r of repos) {
    upsertRepo.run({ ...r, owner: r.owner.login, private: r.private ? 1 : 0, synced_at: syncedAt });
  }
})();
// A fixed pool of workers over the repository list: `concurrency` repositories at a time.
let next = 0;
await Promise.all(Array.from({ length: args.concurrency }, async () => {
  while (next < repos.length) await syncRepo(repos[next++]!);
}));
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
db.close();
const result: PeerResult = {
  elapsedMs,
  startedAtMs,
  firstRequestAtMs,
  records,
  requests,
  rateLimitWaits,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  cpuMs: (cpu.user + cpu.system) / 1000,
  dbBytes: statSync(dbPath).size,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
