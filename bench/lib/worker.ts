import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleCli, CLI_ENTRY } from '../../src/packaging/bundle-cli.js';
import type { PeerArgs, PeerResult } from '../peer-worker.js';
import type { WorkerArgs, WorkerResult } from '../sync-worker.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The peer, compiled with tsc as its engineer would ship it. */
const ENTRIES = ['bench/peer-worker.ts'];
/**
 * Syncscope as it ships, the esbuild bundle `npm run build` writes (dist/bundle): the CLI, and the
 * bench's sync and orders workers bundled the same way, so that they pay what the product pays
 * (compile cache included: see compileCacheFolder).
 */
const BUNDLE_ENTRIES = {
  ...CLI_ENTRY,
  'sync-worker': join(ROOT, 'bench/sync-worker.ts'),
  'orders-worker': join(ROOT, 'bench/orders-worker.ts'),
};

/** What a worker run gives back: its measurements, plus what the bench saw from outside. */
export interface WorkerRun extends WorkerResult {
  /** Spawn to exit, ms: start-up, the sync, telemetry shutdown and anything that held the process open. */
  processMs: number;
  /** From the result line to the process's exit, ms: what kept it alive after its work (timers, sockets). */
  exitLagMs: number;
  /** The worker's stderr (empty when all went well: no warnings, no stack traces). */
  stderr: string;
}

let compiled: Promise<string> | undefined;
let buildDir: string | undefined;

/**
 * The workers as JavaScript, built once per bench run into a temp dir (whose path it resolves
 * with): the peer with tsc, Syncscope's entries with the product's bundler, so that a worker's
 * memory and start-up are the product's, not the TypeScript loader's (tsx adds about 40 MB of RSS
 * and a second of start-up to every run).
 */
function compiledWorker(): Promise<string> {
  compiled ??= new Promise<string>((done, fail) => {
    buildDir = mkdtempSync(join(tmpdir(), 'syncscope-bench-build-'));
    const outDir = buildDir;
    writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
    symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const flags = ['--outDir', outDir, '--rootDir', ROOT, '--module', 'NodeNext', '--moduleResolution', 'NodeNext'];
    flags.push('--target', 'ES2022', '--skipLibCheck', '--esModuleInterop', '--strict', '--sourceMap', 'false');
    // Type errors (e.g. someone's half-done edit elsewhere in src/) do not stop the emit; a missing output does.
    execFile(process.execPath, [tsc, ...flags, ...ENTRIES.map((e) => resolve(ROOT, e))], { cwd: ROOT }, (error, stdout) => {
      const missing = ENTRIES.map((e) => join(outDir, e.replace(/\.ts$/, '.js'))).filter((e) => !existsSync(e));
      if (missing.length === 0) bundleCli(join(outDir, 'bundle'), BUNDLE_ENTRIES).then(() => done(outDir), fail);
      else fail(new Error(`compiling the bench workers failed (no ${missing.join(', ')}): ${error?.message ?? ''}\n${stdout}`));
    });
  });
  return compiled;
}

/**
 * Compiles the worker now, so that no case pays for it inside a measurement (cases that start a
 * sync on a rate-limit window boundary compute that time before spawning).
 */
export async function prepareWorkers(): Promise<void> {
  await compiledWorker();
}

/**
 * A compile-cache folder of this bench run (packaging/compile-cache.ts) for `SYNCSCOPE_COMPILE_CACHE`:
 * every bundled process the bench spawns uses `default` unless its case names another, so that no
 * figure depends on what an earlier bench run or the user's own runs left in ~/.cache.
 */
export async function compileCacheFolder(name = 'default'): Promise<string> {
  return join(await compiledWorker(), `compile-cache-${name}`);
}

/** Removes the compiled worker (call once, when the bench is done). */
export function cleanUpWorkers(): void {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
  compiled = undefined;
}

/**
 * Runs one sync in a child process with the given environment (and Node flags, e.g. a heap cap,
 * and a command that runs node, e.g. valgrind); resolves with its measurements. A non-zero exit, or no result line, rejects with its stderr.
 */
export async function runWorker(
  args: Omit<WorkerArgs, 'dir'>,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
  wrapper: string[] = [],
): Promise<WorkerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-'));
  try {
    const run = await spawnCompiled('bundle/sync-worker.js', [JSON.stringify({ ...args, dir })], { SYNCSCOPE_LOG_LEVEL: 'info', ...env }, nodeFlags, ROOT, wrapper);
    return { ...(JSON.parse(run.lastLine) as WorkerResult), processMs: run.processMs, exitLagMs: run.exitLagMs, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the orders worker (bench/orders-worker.ts) in a child process on its own temp dir. */
export async function runOrdersWorker<T>(args: Record<string, unknown>): Promise<T & { stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-orders-'));
  try {
    const run = await spawnCompiled('bundle/orders-worker.js', [JSON.stringify({ ...args, dir })], {});
    return { ...(JSON.parse(run.lastLine) as T), stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a peer run gives back, plus its spawn time (epoch ms) for start-up. */
export interface PeerRun extends PeerResult {
  spawnedAtMs: number;
}

/** Runs the octokit peer (bench/peer-worker.ts) in a child process on its own temp dir. */
export async function runPeer(args: Omit<PeerArgs, 'dir'>): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-peer-'));
  try {
    const run = await spawnCompiled('bench/peer-worker.js', [JSON.stringify({ ...args, dir })], {});
    return { ...(JSON.parse(run.lastLine) as PeerResult), spawnedAtMs: run.spawnedAtMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const EXIT_AT_FIRST_FETCH = join(ROOT, 'bench/lib/exit-at-first-fetch.cjs');
const CALLGRIND = ['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file'];

/**
 * Instructions (callgrind, whole process) from its start to its first call of fetch, where a
 * preload ends it (bench/lib/exit-at-first-fetch.cjs): the bundled CLI (`cli`: its arguments for
 * a fresh folder, in which it runs) or the peer, each given a temp folder of its own.
 * Unlike a start-up's milliseconds, which a shared machine's load moves by ±15% run to run.
 */
export async function instructionsToFirstFetch(
  target: { cli: (dir: string) => string[]; env: Record<string, string> } | { peer: Omit<PeerArgs, 'dir'> },
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-first-fetch-'));
  try {
    const flags = ['--require', EXIT_AT_FIRST_FETCH];
    const run =
      'cli' in target
        ? await spawnCompiled('bundle/syncscope.js', target.cli(dir), target.env, flags, dir, CALLGRIND)
        : await spawnCompiled('bench/peer-worker.js', [JSON.stringify({ ...target.peer, dir })], {}, flags, ROOT, CALLGRIND);
    if (!('firstFetchAtMs' in JSON.parse(run.lastLine))) throw new Error(`bench: the run ended before its first fetch: ${run.lastLine}`);
    const collected = /Collected : (\d+)/.exec(run.stderr)?.[1];
    if (!collected) throw new Error(`bench: callgrind printed no instruction count: ${run.stderr.slice(-500)}`);
    return Number(collected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bundled CLI (`syncscope <argv>`) in `cwd`, as a user runs it; resolves with its spawn time. */
export async function runCli(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<{ spawnedAtMs: number; processMs: number; stdout: string }> {
  const run = await spawnCompiled('bundle/syncscope.js', argv, env, [], cwd);
  return { spawnedAtMs: run.spawnedAtMs, processMs: run.processMs, stdout: run.stdout };
}

interface Spawned {
  stdout: string;
  lastLine: string;
  stderr: string;
  /** Epoch ms just before the spawn. */
  spawnedAtMs: number;
  processMs: number;
  exitLagMs: number;
}

/**
 * Runs a compiled entry in a child process with a clean OTEL_/SYNCSCOPE_ environment plus `env`;
 * a non-zero exit, or no JSON line last on stdout, rejects with its stderr.
 */
async function spawnCompiled(entry: string, argv: string[], env: Record<string, string>, nodeFlags: string[] = [], cwd = ROOT, wrapper: string[] = []): Promise<Spawned> {
  const outDir = await compiledWorker();
  const childEnv = await benchEnv();
  const spawnedAtMs = Date.now();
  const started = performance.now();
  // A wrapper (e.g. valgrind and its options) runs node itself.
  const [command, ...prefix] = [...wrapper, process.execPath];
  const child = spawn(command!, [...prefix, ...nodeFlags, join(outDir, entry), ...argv], {
    cwd,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lastOutputAt = started;
  child.stdout.on('data', (c) => {
    stdout += String(c);
    lastOutputAt = performance.now();
  });
  child.stderr.on('data', (c) => (stderr += String(c)));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const exitedAt = performance.now();
  const processMs = exitedAt - started;
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !lastLine.startsWith('{')) throw new Error(`bench ${entry} failed (exit ${code}): ${stderr.slice(-2000)}`);
  return { stdout, lastLine, stderr, spawnedAtMs, processMs, exitLagMs: exitedAt - lastOutputAt };
}

/** Spawn to exit of `node <file>` (an empty script, say) with the bench's environment plus `env`, ms. */
export async function timeNode(file: string, env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [file], { cwd: ROOT, env: { ...(await benchEnv()), ...env }, stdio: 'ignore' });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`bench: node ${file} exited ${code}`);
  return performance.now() - started;
}

/** Starts the bundled CLI as a long-lived process (e.g. `syncscope worker`); the caller stops it. */
export async function startCompiledCli(argv: string[], env: Record<string, string>): Promise<ChildProcess> {
  const outDir = await compiledWorker();
  const childEnv = await benchEnv();
  return spawn(process.execPath, [join(outDir, 'bundle/syncscope.js'), ...argv], { cwd: ROOT, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Set in the environment the bench runs in, and left out of every process it spawns: Node parses
 * the certificates of NODE_EXTRA_CA_CERTS at start-up, before any JavaScript runs (a system bundle
 * of ~140 costs every process ~75 ms and ~400 M instructions). The bench talks plain HTTP to
 * local simulators, so no TLS is lost; what the setting costs is printed by the start-up case.
 */
export const MACHINE_ONLY_VARIABLES = ['NODE_EXTRA_CA_CERTS'];

/** The bench's environment without OTEL_ and SYNCSCOPE_ settings (nor MACHINE_ONLY_VARIABLES), with the bench's own compile cache. */
async function benchEnv(): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('SYNCSCOPE_') && !MACHINE_ONLY_VARIABLES.includes(k)) env[k] = v;
  return { ...env, SYNCSCOPE_COMPILE_CACHE: await compileCacheFolder() };
}
