import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, startCli, type CliResult } from './cli.js';

/** A token as a test holds it: the secret, and the entry the service config gets (its hash). */
export interface TestToken {
  token: string;
  id: string;
  organization: string;
  role: 'read' | 'operate';
}

export function aToken(id: string, organization: string, role: 'read' | 'operate'): TestToken {
  return { token: `ssc_test_${id}_${createHash('sha256').update(id).digest('hex').slice(0, 24)}`, id, organization, role };
}

export interface TestPipeline {
  name: string;
  organization: string;
  /** The GitHub simulator (or any GitHub-shaped API) the pipeline reads. */
  baseUrl: string;
  org: string;
  perPage?: number;
  batchSize?: number;
  partitionConcurrency?: number;
  /** Execute writes go to `<dir>/<name>.db`. */
  tokenEnv?: string;
}

export interface ServiceSetup {
  dir: string;
  pipelines: TestPipeline[];
  tokens: TestToken[];
  organizations?: string[];
  concurrency?: number;
  pollMs?: number;
  env?: Record<string, string | undefined>;
  /** A PostgreSQL run store (for the service and its pipelines) instead of `<dir>/syncscope.db`. */
  postgres?: { url: string; schema: string };
}

export interface RunningService {
  url: string;
  child: ChildProcess;
  storePath: string;
  reportsDir: string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  /** stderr so far (JSON lines). */
  stderr(): string;
}

/** Writes the service config and its pipeline files under `dir`. */
export function writeServiceConfig(setup: ServiceSetup): string {
  const { dir } = setup;
  const storePath = join(dir, 'syncscope.db');
  const store = setup.postgres
    ? ['[store]', 'type = "postgres"', `url = "${setup.postgres.url}"`, `schema = "${setup.postgres.schema}"`]
    : ['[store]', 'type = "sqlite"', `path = "${storePath}"`];
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  for (const p of setup.pipelines) {
    writeFileSync(join(dir, 'pipelines', `${p.name}.toml`), [
      '[pipeline]', `name = "${p.name}"`, `organization = "${p.organization}"`,
      '[source]', 'type = "github"', `base_url = "${p.baseUrl}"`, `org = "${p.org}"`, `per_page = ${p.perPage ?? 10}`,
      ...(p.tokenEnv ? [`token_env = "${p.tokenEnv}"`] : []),
      '[destination]', 'type = "sqlite"', `path = "${join(dir, `${p.name}.db`)}"`,
      '[options]', `batch_size = ${p.batchSize ?? 5}`, `partition_concurrency = ${p.partitionConcurrency ?? 2}`,
      ...store,
      '[reports]', `dir = "${join(dir, 'reports')}"`,
      '',
    ].join('\n'));
  }
  const orgs = setup.organizations ?? [...new Set([...setup.pipelines.map((p) => p.organization), ...setup.tokens.map((t) => t.organization)])];
  const config = [
    `organizations = [${orgs.map((o) => `{ id = "${o}" }`).join(', ')}]`,
    '[listen]', 'host = "127.0.0.1"', 'port = 0',
    '[pipelines]', 'dir = "pipelines"',
    '[runs]', `concurrency = ${setup.concurrency ?? 2}`,
    ...store,
    '[api]', `poll_ms = ${setup.pollMs ?? 250}`, 'shutdown_timeout_ms = 20000',
    ...setup.tokens.flatMap((t) => ['[[tokens]]', `id = "${t.id}"`, `organization = "${t.organization}"`, `role = "${t.role}"`, `sha256 = "${createHash('sha256').update(t.token).digest('hex')}"`]),
    '',
  ].join('\n');
  const path = join(dir, 'service.toml');
  writeFileSync(path, config);
  return path;
}

/** Starts `syncscope serve -c <dir>/service.toml` on a free port; resolves once it prints its URL. */
export async function startService(setup: ServiceSetup): Promise<RunningService> {
  const config = writeServiceConfig(setup);
  // The declared pipelines read GITHUB_TOKEN unless they name another variable; serve refuses an unset one.
  const child = startCli(['serve', '-c', config, '--log-format', 'json'], { env: { GITHUB_TOKEN: 'ghp_service_test_token_000000000000', ...setup.env } });
  const result = collect(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s: ${stderr.slice(-2000)}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /serving (http:\/\/[^/\s]+)\//.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening: ${stderr.slice(-2000)}`));
    });
  });
  return {
    url,
    child,
    storePath: join(setup.dir, 'syncscope.db'),
    reportsDir: join(setup.dir, 'reports'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return result;
    },
    stderr: () => stderr,
  };
}

/** fetch against the service with a bearer token. */
export async function call(service: { url: string }, token: string | undefined, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${service.url}${path}`, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** Thrown by a probe that saw an outcome no amount of waiting will change: `eventually` fails at once. */
export class GiveUp extends Error {}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` (or at a `GiveUp`). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw new Error(`gave up waiting for ${what}: ${error.message}`);
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
