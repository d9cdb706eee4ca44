import type { ChildProcess } from 'node:child_process';
import { collect, startCli, type CliResult } from './cli.js';

/** A `syncscope worker` process and what it logged so far. */
export interface StartedWorker {
  child: ChildProcess;
  done: Promise<CliResult>;
  lines: () => Array<Record<string, unknown>>;
}

/** Starts `syncscope worker` (JSON logs on stderr) with `env` (Redis URL, queue prefix, timings). */
export function startWorker(env: Record<string, string>, concurrency = 2): StartedWorker {
  const child = startCli(['worker', '--concurrency', String(concurrency), '--port', '0', '--log-format', 'json'], { env });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const done = collect(child);
  const lines = () => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, done, lines };
}

/** Polls `check` every 100 ms until it holds, or fails naming `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILLs every worker still running (test cleanup). */
export function killWorkers(workers: StartedWorker[]): void {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
}
