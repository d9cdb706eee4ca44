import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkerArgs, WorkerResult } from '../sync-worker.js';

const WORKER = resolve(import.meta.dirname, '../sync-worker.ts');

/** Runs one sync in a child process with the given environment; resolves with its measurements. */
export async function runWorker(
  args: Omit<WorkerArgs, 'dir'>,
  env: Record<string, string> = {},
): Promise<WorkerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-bench-'));
  try {
    const childEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('SYNCSCOPE_')) childEnv[k] = v;
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify({ ...args, dir })], {
      env: { ...childEnv, SYNCSCOPE_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const last = stdout.trim().split('\n').pop() ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`bench worker failed (exit ${code}): ${stderr.slice(-2000)}`);
    return JSON.parse(last) as WorkerResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
