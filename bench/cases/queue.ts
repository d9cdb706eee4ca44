import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startGithubSimulator, type GithubSimulator, type LoggedRequest } from '../../src/simulator/github/index.js';
import type { BenchFigure } from '../lib/report.js';
import { runCli, startCompiledCli } from '../lib/worker.js';

const PG_URL = process.env.SYNCSCOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.SYNCSCOPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER_COUNTS = [1, 2, 4] as const;
/** Each worker takes this many partition jobs at once. */
const JOBS_PER_WORKER = 2;
const TIGHT = { limit: 30, windowSeconds: 2 };
const STEPS = ['warmup', 'ample', 'tight'] as const;
type Step = (typeof STEPS)[number];

/**
 * Distributed mode (#15, must-show 5): `syncscope worker` processes (1, 2, 4; each `--concurrency
 * 2`) on one BullMQ queue and one Redis budget. Ample budget, latency-bound simulator: records/s
 * over the partition phase (first partition request received → last answered, from the
 * simulator's request log, so start-up and reports do not dilute it; after an unmeasured warm-up
 * run on the same workers) and the 2 ÷ 1 ratio. Tight
 * budget: utilisation as in the `budget` case (the earliest the last request could have been made
 * with the budget per aligned window ÷ when it was; the run started so that its first request lands
 * just after a window boundary, as there), and the simulator's primary-limit rejections.
 */
export async function queueBench(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-queue-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const tokens = Object.fromEntries(WORKER_COUNTS.flatMap((n) => STEPS.map((s) => [tokenEnv(s, n), `ghp_bench_${s}_${n}`])));
  const env = { SYNCSCOPE_REDIS_URL: REDIS_URL, SYNCSCOPE_QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`, ...tokens };
  const workers: ChildProcess[] = [];
  const figures: BenchFigure[] = [];
  const ample: Record<number, number> = {};
  /** From spawning `run --distributed` to its first request (measured on each step's ample run, just before the tight one). */
  let startUpMs = 0;
  try {
    for (const n of WORKER_COUNTS) {
      while (workers.length < n) workers.push(await startWorker(env));
      // A new worker's first jobs pay for its start-up (store connection, SQLite open, cold JIT):
      // an unmeasured run first, with a job for every slot, so the figures are of running workers.
      const warm = await startGithubSimulator({ repos: n * JOBS_PER_WORKER * 2, prsPerRepo: 20, latencyMs: 20 });
      try {
        await distributedRun(dir, schema, warm, 'warmup', n, env);
      } finally {
        await warm.close();
      }
      // An ample budget on a latency-bound simulator: the workers' concurrency is what bounds it.
      const sim = await startGithubSimulator({ repos: 16, prsPerRepo: 60, latencyMs: 100, logRequests: true, secondary: { maxConcurrent: 100, pointsPerMinutePerEndpoint: 1_000_000 } });
      try {
        const { records, spawnedAtMs } = await distributedRun(dir, schema, sim, 'ample', n, env);
        startUpMs = Math.min(...sim.requests().map((r) => r.receivedAtMs)) - spawnedAtMs;
        const phase = partitionPhase(sim.requests());
        ample[n] = records / (phase.ms / 1000);
        figures.push({ case: 'queue', metric: `ample budget, ${n} worker${n > 1 ? 's' : ''}: throughput`, value: ample[n], unit: 'records/s', note: `${records} records, ${phase.requests} partition requests in ${(phase.ms / 1000).toFixed(2)} s (100 ms latency)` });
      } finally {
        await sim.close();
      }
      const tight = await startGithubSimulator({ repos: 10, prsPerRepo: 150, latencyMs: 20, logRequests: true, rateLimit: TIGHT, secondary: { maxConcurrent: 100, pointsPerMinutePerEndpoint: 1_000_000 } });
      try {
        // The utilisation's ideal counts the first window's whole budget as there at the first
        // request: started late in a window, it would measure how fast the start-up can spend a
        // budget in the little left of it. So the run is started for its first request to land just
        // after a boundary (as the budget case does), by the coordinator's start-up just measured
        // (aimed 300 ms in: start-ups vary by a few hundred ms, and landing just before one is the worst case).
        const windowMs = TIGHT.windowSeconds * 1000;
        const firstRequestAt = Math.ceil((Date.now() + startUpMs + 200) / windowMs) * windowMs + 300;
        await new Promise((r) => setTimeout(r, Math.max(0, firstRequestAt - startUpMs - Date.now())));
        await distributedRun(dir, schema, tight, 'tight', n, env);
        const u = utilisation(tight.requests());
        const rejections = tight.stats().rateLimitRejections;
        figures.push(
          { case: 'queue', metric: `tight budget (${TIGHT.limit}/${TIGHT.windowSeconds}s), ${n} worker${n > 1 ? 's' : ''}: utilisation`, value: u.value, unit: '', target: '≥ 0.95', pass: u.value >= 0.95, note: u.note },
          { case: 'queue', metric: `tight budget, ${n} worker${n > 1 ? 's' : ''}: primary-limit rejections (simulator)`, value: rejections, unit: '', target: '= 0', pass: rejections === 0 },
        );
      } finally {
        await tight.close();
      }
    }
    const ratio = ample[2]! / ample[1]!;
    figures.push(
      { case: 'queue', metric: 'ample budget: throughput 2 workers ÷ 1', value: ratio, unit: '×', target: '≥ 1.8', pass: ratio >= 1.8 },
      { case: 'queue', metric: 'ample budget: throughput 4 workers ÷ 1', value: ample[4]! / ample[1]!, unit: '×' },
      { case: 'queue', metric: 'load average (1 min) at the end', value: loadavg()[0] ?? 0, unit: '', note: `${JOBS_PER_WORKER} jobs per worker; 2 shared cores` },
    );
    return figures;
  } finally {
    await Promise.all(workers.map(stop));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One token per run, so each run's budget in Redis is its own (as two real tokens would be). */
function tokenEnv(step: Step, workers: number): string {
  return `BENCH_TOKEN_${step.toUpperCase()}_${workers}`;
}

async function distributedRun(dir: string, schema: string, sim: GithubSimulator, step: Step, workers: number, env: Record<string, string>): Promise<{ records: number; spawnedAtMs: number }> {
  const name = `queue-${step}-${workers}`;
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, [
    `pipeline: { name: ${name} }`,
    `source: { type: github, base_url: "${sim.url}", org: ${sim.org}, per_page: 10, token_env: ${tokenEnv(step, workers)} }`,
    `destination: { type: sqlite, path: "${join(dir, `${name}.db`)}" }`,
    `store: { type: postgres, url: "${PG_URL}", schema: ${schema} }`,
    `reports: { dir: "${join(dir, 'reports')}" }`,
    'options: { batch_size: 10 }',
    'api: { max_requests_per_minute_per_endpoint: 1000000 }',
  ].join('\n'));
  const run = await runCli(['run', '--config', config, '--execute', '--distributed', '--json'], dir, env);
  const summary = JSON.parse(run.stdout) as { status: string; records: { synced: number } };
  if (summary.status !== 'succeeded') throw new Error(`${name} ended ${summary.status}`);
  return { records: summary.records.synced, spawnedAtMs: run.spawnedAtMs };
}

/** The partition phase: the first request after the org listing (made by `run`) to the last answer. */
function partitionPhase(log: LoggedRequest[]): { ms: number; requests: number } {
  const partition = log.filter((r) => r.route !== 'GET /orgs/{org}/repos');
  const first = Math.min(...partition.map((r) => r.receivedAtMs));
  const last = Math.max(...partition.map((r) => r.answeredAtMs));
  return { ms: last - first, requests: partition.length };
}

/**
 * R requests against B per aligned window of W, the first at t0: the last one cannot be made
 * before the boundary floor((R - 1) / B) windows on (the first window's budget is there at t0).
 */
function utilisation(log: LoggedRequest[]): { value: number; note: string } {
  const windowMs = TIGHT.windowSeconds * 1000;
  const first = Math.min(...log.map((r) => r.receivedAtMs));
  const last = Math.max(...log.map((r) => r.receivedAtMs));
  const windowsNeeded = Math.floor((log.length - 1) / TIGHT.limit);
  const firstBoundary = (Math.floor(first / windowMs) + 1) * windowMs;
  const idealMs = windowsNeeded === 0 ? 0 : firstBoundary + (windowsNeeded - 1) * windowMs - first;
  const note = `${log.length} requests from ${first % windowMs} ms into a window: ideal ${(idealMs / 1000).toFixed(2)} s, took ${((last - first) / 1000).toFixed(2)} s`;
  return { value: idealMs / (last - first), note };
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = await startCompiledCli(['worker', '--concurrency', String(JOBS_PER_WORKER), '--port', '0', '--log-format', 'json'], env);
  let err = '';
  await new Promise<void>((ready, fail) => {
    child.stderr?.on('data', (c) => {
      err = (err + String(c)).slice(-4000);
      if (err.includes('sync.worker.started')) ready();
    });
    child.once('exit', (code) => fail(new Error(`syncscope worker exited ${code}: ${err}`)));
  });
  child.stderr?.resume();
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
