import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkerArgs, WorkerResult } from '../sync-worker.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WORKER_SOURCE = resolve(ROOT, 'bench/sync-worker.ts');
const ORDERS_WORKER_SOURCE = resolve(ROOT, 'bench/orders-worker.ts');

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
 * The worker as the product ships: compiled to JavaScript once per bench run (tsc, into a temp
 * dir), so that a worker's memory and start-up are the product's, not the TypeScript loader's
 * (tsx adds about 40 MB of RSS and a second of start-up to every run).
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
    execFile(process.execPath, [tsc, ...flags, WORKER_SOURCE, ORDERS_WORKER_SOURCE], { cwd: ROOT }, (error, stdout) => {
      const entry = join(outDir, 'bench/sync-worker.js');
      if (existsSync(entry)) done(entry);
      else fail(new Error(`compiling the bench worker failed: ${error?.message ?? ''}\n${stdout}`));
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

/** Removes the compiled worker (call once, when the bench is done). */
export function cleanUpWorkers(): void {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
  compiled = undefined;
}

/**
 * Runs one sync in a child process with the given environment (and Node flags, e.g. a heap cap);
 * resolves with its measurements. A non-zero exit, or no result line, rejects with its stderr.
 */
export async function runWorker(
  args: Omit<WorkerArgs, 'dir'>,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<WorkerRun> {
  return runCompiled<WorkerRun>(await compiledWorker(), args, env, nodeFlags);
}

/** Runs the orders worker (bench/orders-worker.ts) the same way; resolves with its result line. */
export async function runOrdersWorker<T>(args: Record<string, unknown>): Promise<T & { stderr: string }> {
  const entry = (await compiledWorker()).replace(/sync-worker\.js$/, 'orders-worker.js');
  return runCompiled<T & { stderr: string }>(entry, args, {}, []);
}

async function runCompiled<T>(entry: string, args: Record<string, unknown>, env: Record<string, string>, nodeFlags: string[]): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-'));
  try {
    const childEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('SYNCSCOPE_')) childEnv[k] = v;
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, entry, JSON.stringify({ ...args, dir })], {
      env: { ...childEnv, SYNCSCOPE_LOG_LEVEL: 'info', ...env },
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
    const last = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`bench worker failed (exit ${code}): ${stderr.slice(-2000)}`);
    return { ...(JSON.parse(last) as object), processMs, exitLagMs: exitedAt - lastOutputAt, stderr } as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
