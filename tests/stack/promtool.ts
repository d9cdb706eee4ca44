import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './stack-files.js';

export interface PromtoolResult {
  status: number | null;
  /** The command line, stdout and stderr together: what a failing assertion should print. */
  output: string;
}

/** Runs promtool from the repository root (so relative paths in its arguments are repo paths). */
export function runPromtool(args: readonly string[], cwd: string = REPO_ROOT): PromtoolResult {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  const output = [`$ promtool ${args.join(' ')}`, result.stdout, result.stderr, result.error?.message]
    .filter((part) => part !== undefined && part !== '')
    .join('\n');
  return { status: result.status, output };
}
