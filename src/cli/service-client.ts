import { SyncError, UsageError } from '../errors/sync-error.js';
import type { RunStatusView } from '../reports/run-status-types.js';
import type { StatusListItem } from './output/status-screen.js';

/** The few API calls `syncscope status --url` makes, with errors a terminal user can act on. */
export class ServiceClient {
  private readonly base: URL;

  constructor(url: string, private readonly token: string | undefined) {
    try {
      this.base = new URL(url.endsWith('/') ? url : `${url}/`);
    } catch {
      throw new UsageError(`--url must be a URL such as http://127.0.0.1:9464, not "${url}"`);
    }
    if (!token) throw new UsageError('--url needs an API token in SYNCSCOPE_TOKEN (create one with `syncscope token new`)');
  }

  describe(): string {
    return this.base.origin;
  }

  async run(syncId: string): Promise<RunStatusView | undefined> {
    return this.get<RunStatusView>(`api/v1/runs/${encodeURIComponent(syncId)}`, true);
  }

  async runs(limit: number): Promise<StatusListItem[]> {
    const page = await this.get<{ runs: StatusListItem[] }>(`api/v1/runs?limit=${limit}`, false);
    return page?.runs ?? [];
  }

  async queueStats(): Promise<{ waiting: number; active: number } | null> {
    return (await this.get<{ waiting: number; active: number }>('api/v1/queue/stats', false)) ?? null;
  }

  private async get<T>(path: string, notFoundIsUndefined: boolean): Promise<T | undefined> {
    const url = new URL(path, this.base);
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      const inner = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
      const cause = inner && 'code' in inner && inner.code ? String(inner.code) : (inner?.message ?? (error instanceof Error ? error.message : String(error)));
      throw new SyncError('NETWORK_ERROR', `cannot reach the service at ${this.base.origin}: ${cause}`, { cause: error });
    }
    if (response.status === 404 && notFoundIsUndefined) return undefined;
    if (response.ok) return (await response.json()) as T;
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
    const detail = problem.detail ?? problem.title ?? response.statusText;
    if (response.status === 401 || response.status === 403) throw new UsageError(`the service at ${this.base.origin} refused the token (${response.status}): ${detail}`);
    throw new SyncError(response.status >= 500 ? 'SERVER_ERROR' : 'VALIDATION_ERROR', `the service at ${this.base.origin} answered ${response.status} for ${url.pathname}: ${detail}`);
  }
}
