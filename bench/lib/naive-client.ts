import Database from 'better-sqlite3';

export interface NaiveClientOptions {
  baseUrl: string;
  org: string;
  /** SQLite file the pull requests go to (created). */
  dbPath: string;
  perPage: number;
  /** Stop after this long (ms), between two requests: the client is slow, the bench is not. */
  deadlineMs?: number;
}

export interface NaiveClientResult {
  records: number;
  requests: number;
  elapsedMs: number;
  /** Time spent sleeping until `x-ratelimit-reset`. */
  waitedMs: number;
  /** Whether it synced everything (false: stopped at the deadline). */
  complete: boolean;
}

/**
 * The seeds' documented behaviour, as a baseline: one request at a time with plain `fetch`, the
 * org's repositories then each repository's pull requests page by page (`Link: rel="next"`), each
 * pull request inserted in its own transaction (SQLite defaults: rollback journal, full sync), and
 * when `x-ratelimit-remaining` hits 0 (or a 403/429 says the budget is spent) a sleep until
 * `x-ratelimit-reset`. No concurrency, no batching, no telemetry.
 */
export async function runNaiveClient(options: NaiveClientOptions): Promise<NaiveClientResult> {
  const db = new Database(options.dbPath);
  db.exec(`CREATE TABLE IF NOT EXISTS pull_requests (
    id INTEGER PRIMARY KEY, repo TEXT NOT NULL, number INTEGER NOT NULL, title TEXT, state TEXT,
    author TEXT, created_at TEXT, updated_at TEXT, merged_at TEXT, body TEXT)`);
  const insert = db.prepare(`INSERT OR REPLACE INTO pull_requests
    (id, repo, number, title, state, author, created_at, updated_at, merged_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const started = performance.now();
  const deadline = started + (options.deadlineMs ?? Number.POSITIVE_INFINITY);
  const result: NaiveClientResult = { records: 0, requests: 0, elapsedMs: 0, waitedMs: 0, complete: false };

  const get = async (url: string): Promise<{ data: unknown; next: string | undefined }> => {
    for (;;) {
      result.requests += 1;
      const response = await fetch(url, { headers: { accept: 'application/vnd.github+json' } });
      const body = await response.text();
      const remaining = response.headers.get('x-ratelimit-remaining');
      const resetMs = Number(response.headers.get('x-ratelimit-reset') ?? 0) * 1000;
      if ((response.status === 403 || response.status === 429) && remaining === '0') {
        await sleepUntil(resetMs, result);
        continue;
      }
      if (!response.ok) throw new Error(`naive client: GET ${url} answered ${response.status}`);
      if (remaining === '0') await sleepUntil(resetMs, result);
      return { data: JSON.parse(body), next: nextLink(response.headers.get('link')) };
    }
  };

  try {
    const repos: string[] = [];
    for (let url: string | undefined = `${options.baseUrl}/orgs/${options.org}/repos?per_page=100`; url; ) {
      const page = await get(url);
      for (const repo of page.data as Array<{ full_name: string }>) repos.push(repo.full_name);
      url = page.next;
    }
    for (const repo of repos) {
      let url: string | undefined = `${options.baseUrl}/repos/${repo}/pulls?state=all&per_page=${options.perPage}`;
      while (url) {
        if (performance.now() >= deadline) return result;
        const page = await get(url);
        for (const pr of page.data as PullRequest[]) {
          insert.run(pr.id, repo, pr.number, pr.title, pr.state, pr.user?.login ?? null, pr.created_at, pr.updated_at, pr.merged_at, pr.body);
          result.records += 1;
        }
        url = page.next;
      }
    }
    result.complete = true;
    return result;
  } finally {
    result.elapsedMs = performance.now() - started;
    db.close();
  }
}

interface PullRequest {
  id: number;
  number: number;
  title: string;
  state: string;
  user: { login: string } | null;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  body: string | null;
}

async function sleepUntil(epochMs: number, result: NaiveClientResult): Promise<void> {
  const ms = Math.max(0, epochMs - Date.now()) + 50;
  result.waitedMs += ms;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function nextLink(link: string | null): string | undefined {
  return link?.split(',').find((part) => part.includes('rel="next"'))?.match(/<([^>]+)>/)?.[1];
}
