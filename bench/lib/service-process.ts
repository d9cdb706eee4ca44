import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'src/cli/bin.ts');

export interface BenchService {
  url: string;
  token: string;
  stop(): Promise<void>;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('SYNCSCOPE_')) env[k] = v;
  return { ...env, ...extra };
}

/** Starts `syncscope <args>` and resolves with the first stdout match of `pattern`. */
async function startAndMatch(args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c) => (err = (err + String(c)).slice(-4000)));
  const match = await new Promise<RegExpExecArray>((done, fail) => {
    child.stdout?.on('data', (c) => {
      out += String(c);
      const m = pattern.exec(out);
      if (m) done(m);
    });
    child.once('exit', (code) => fail(new Error(`syncscope ${args[0]} exited ${code}: ${err}`)));
  });
  return { child, match };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** The GitHub simulator in its own process, so the load generator's event loop never slows its answers. */
export async function startSimulatorProcess(options: { repos: number; prsPerRepo: number; latencyMs: number }): Promise<{ url: string; org: string; stop(): Promise<void> }> {
  const { child, match } = await startAndMatch(
    ['simulate', '--port', '0', '--repos', String(options.repos), '--prs-per-repo', String(options.prsPerRepo), '--latency-ms', String(options.latencyMs), '--rate-limit', '10000000'],
    /GitHub simulator on (http:\/\/\S+) \(org "([^"]+)"\)/,
  );
  return { url: match[1]!, org: match[2]!, stop: () => stopChild(child) };
}

/** `syncscope serve` with one declared pipeline over the simulator and one operate token. */
export async function startServiceProcess(dir: string, pipeline: { name: string; baseUrl: string; org: string; perPage: number; batchSize: number; concurrency: number }): Promise<BenchService> {
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  const token = `ssc_bench_${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
  writeFileSync(join(dir, 'pipelines', `${pipeline.name}.toml`), [
    '[pipeline]', `name = "${pipeline.name}"`,
    '[source]', 'type = "github"', `base_url = "${pipeline.baseUrl}"`, `org = "${pipeline.org}"`, `per_page = ${pipeline.perPage}`,
    '[destination]', 'type = "sqlite"', `path = "${join(dir, 'dest.db')}"`,
    '[options]', `batch_size = ${pipeline.batchSize}`, `partition_concurrency = ${pipeline.concurrency}`,
    '[api]', 'max_requests_per_minute_per_endpoint = 10000000',
    '[store]', 'type = "sqlite"', `path = "${join(dir, 'syncscope.db')}"`,
    '[reports]', `dir = "${join(dir, 'reports')}"`, '',
  ].join('\n'));
  writeFileSync(join(dir, 'service.toml'), [
    '[listen]', 'port = 0',
    '[pipelines]', 'dir = "pipelines"',
    '[store]', 'type = "sqlite"', `path = "${join(dir, 'syncscope.db')}"`,
    '[api]', 'poll_ms = 500',
    '[[tokens]]', 'id = "bench"', 'organization = "default"', 'role = "operate"', `sha256 = "${createHash('sha256').update(token).digest('hex')}"`, '',
  ].join('\n'));
  // The access log stays on (it is part of what a request costs); run events below warn are off
  // in both halves alike.
  const { child, match } = await startAndMatch(['serve', '-c', join(dir, 'service.toml'), '--log-format', 'json'], /serving (http:\/\/[^/\s]+)\//, {
    SYNCSCOPE_LOG_LEVEL: 'warn',
    SYNCSCOPE_LOG_LEVELS: 'server=info',
    GITHUB_TOKEN: 'ghp_bench_service_token_00000000000000',
  });
  child.stderr?.resume();
  return { url: match[1]!, token, stop: () => stopChild(child) };
}
