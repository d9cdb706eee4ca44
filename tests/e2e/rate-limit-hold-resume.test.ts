import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { collect, jsonLines, runCli, startCli, tempDir } from '../helpers/cli.js';

const TOKEN = 'ghp_holdResumeTestToken00000000000000000';
// Longer than a resumed CLI takes to start on a loaded machine (4–11 s seen), so the resumed
// process is up while the hold still lasts and has to wait the rest of it out.
const RETRY_AFTER_SECONDS = 20;
// The scheduler wakes from its sleep at the hold's end; timers may round a few ms either way.
const TOLERANCE_MS = 100;

interface StoredHold {
  syncId: string;
  heldUntilMs: number;
  reason: string;
}

/** The first hold the run store holds, if any (read with a reader of its own: the CLI writes). */
function storedHold(storePath: string): StoredHold | undefined {
  if (!existsSync(storePath)) return undefined;
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT sync_id, held_until, hold_reason FROM run_rate_limits WHERE held_until IS NOT NULL').get() as
      | { sync_id: string; held_until: string; hold_reason: string }
      | undefined;
    return row ? { syncId: row.sync_id, heldUntilMs: Date.parse(row.held_until), reason: row.hold_reason } : undefined;
  } catch {
    return undefined; // not migrated yet
  } finally {
    db.close();
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a rate-limit hold outlives the process: kill -9 during a Retry-After, then --resume', () => {
  const tmp = tempDir();
  const config = join(tmp.dir, 'pipeline.toml');
  const storePath = join(tmp.dir, 'store.db');
  let sim: GithubSimulator;
  beforeAll(async () => {
    sim = await startGithubSimulator({ repos: 6, prsPerRepo: 120, latencyMs: 40, token: TOKEN, logRequests: true });
    writeFileSync(config, [
      '[pipeline]', 'name = "hold-resume"',
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${sim.url}"`, `org = "${sim.org}"`, 'per_page = 10',
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, 'github.db')}"`,
      '[store]', 'type = "sqlite"', `path = "${storePath}"`,
      '[reports]', `dir = "${join(tmp.dir, 'reports')}"`,
      '[options]', 'batch_size = 5', 'partition_concurrency = 2',
    ].join('\n'));
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it('sends no request before the stored hold ends, then finishes every record', async () => {
    const first = startCli(['run', '--config', config, '--execute', '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    const firstDone = collect(first);
    // Once pages flow, the next request is answered 429 with retry-after: 20.
    await until('pages flowing', () => sim.requests().length >= 8 || undefined);
    sim.setFaults({ rate: 1, kinds: ['secondary_limit'], retryAfterSeconds: RETRY_AFTER_SECONDS, count: 1 });
    const hold = await until('the hold in the run store', () => storedHold(storePath));
    first.kill('SIGKILL');
    const killed = await firstDone;
    const killedAtMs = Date.now();
    expect(killed.signal).toBe('SIGKILL');

    const limited = sim.requests().filter((r) => r.retryAfterSeconds !== undefined);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.retryAfterSeconds).toBe(RETRY_AFTER_SECONDS);
    // The hold is the Retry-After counted from when the client read the 429, and was stored at once.
    expect(hold.heldUntilMs).toBeGreaterThanOrEqual(limited[0]!.answeredAtMs + RETRY_AFTER_SECONDS * 1000 - TOLERANCE_MS);
    expect(hold.heldUntilMs).toBeLessThan(limited[0]!.answeredAtMs + RETRY_AFTER_SECONDS * 1000 + 2000);
    expect(killedAtMs, 'killed while the hold lasted').toBeLessThan(hold.heldUntilMs - 5000);

    const resumed = await runCli(['run', '--config', config, '--execute', '--resume', hold.syncId, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { sync_id: string; status: string; resume_count: number; records: Record<string, number> };
    const events = jsonLines(resumed.stderr);

    // The resumed process was up before the hold ended (else this test would prove nothing)...
    const started = events.find((e) => e.event === 'sync.pipeline.started');
    expect(started, 'sync.pipeline.started of the resumed run').toBeDefined();
    expect(Date.parse(String(started!.timestamp)), 'the resumed run started inside the hold').toBeLessThan(hold.heldUntilMs - 1000);
    // ...and not one of its requests reached the API before the hold's end.
    const afterKill = sim.requests().filter((r) => r.receivedAtMs > killedAtMs);
    expect(afterKill.length).toBeGreaterThan(0);
    const early = afterKill.filter((r) => r.receivedAtMs < hold.heldUntilMs - TOLERANCE_MS);
    expect(early, `${early.length} requests inside the hold, the first ${hold.heldUntilMs - (early[0]?.receivedAtMs ?? 0)} ms before its end`).toEqual([]);

    // The user is told why the run waits.
    const restored = events.filter((e) => e.event === 'sync.api.hold_restored');
    expect(restored).toEqual([expect.objectContaining({ resource: 'core', reason: hold.reason, held_until: new Date(hold.heldUntilMs).toISOString() })]);
    expect(Number(restored[0]!.wait_seconds)).toBeGreaterThan(0);
    // Said inside the resumed run: after it started, in its trace.
    expect(events.indexOf(restored[0]!)).toBeGreaterThan(events.indexOf(started!));
    expect(restored[0]!.trace_id).toBe(started!.trace_id);
    expect(restored[0]!.span_id).toBe(started!.span_id);
    const waits = events.filter((e) => e.event === 'sync.api.rate_wait' && e.reason === hold.reason);
    expect(waits.length).toBeGreaterThan(0);

    // The same sync, finished: every record the source holds accounted for, all synced.
    expect(summary.sync_id).toBe(hold.syncId);
    expect(summary.status).toBe('succeeded');
    expect(summary.resume_count).toBe(1);
    const seen = sim.expected().pullRequests;
    const { synced = 0, failed = 0, skipped = 0, pending = 0 } = summary.records;
    expect(synced + failed + skipped + pending).toBe(seen);
    expect(summary.records).toEqual({ synced: seen, failed: 0, skipped: 0, pending: 0 });
    // The hold, over, is no longer stored as one.
    expect(storedHold(storePath)).toBeUndefined();
  }, 180_000);
});
