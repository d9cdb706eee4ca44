import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The one gate for tests that need a tool outside Node. On a developer machine a missing tool
 * skips the test with a message; under CI=true it is a failure that names the tool and how to
 * install it, so a CI run can never pass by silently skipping what it was meant to check.
 * (PostgreSQL and Redis tests, `npm run test:services`, never skip: they fail on connect.)
 */
export interface Tool {
  /** Command on the PATH, or an absolute path (checked for existence). */
  command: string;
  install: string;
}

export const TOOLS = {
  promtool: { command: 'promtool', install: 'apt-get install prometheus' },
  prometheus: { command: 'prometheus', install: 'apt-get install prometheus' },
  pushgateway: { command: 'prometheus-pushgateway', install: 'apt-get install prometheus-pushgateway' },
  alertmanager: { command: 'prometheus-alertmanager', install: 'apt-get install prometheus-alertmanager' },
  amtool: { command: 'amtool', install: 'apt-get install prometheus-alertmanager' },
  chromium: { command: process.env['SYNCSCOPE_CHROMIUM'] ?? '/usr/bin/chromium', install: 'apt-get install chromium' },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

export function toolAvailable(tool: Tool): boolean {
  if (tool.command.startsWith('/')) return existsSync(tool.command);
  const probe = spawnSync(tool.command, ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

/** CI=true (any value but empty, `0` or `false`, as CI services set it). */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export class MissingToolError extends Error {}

/** The message for missing tools: which, and how to install each. */
export function missingMessage(missing: readonly Tool[]): string {
  return missing.map((t) => `${t.command} (${t.install})`).join(', ');
}

/**
 * Whether to skip a test that needs these tools: `false` when all are there; `true` (with a
 * warning) when one is missing locally; throws MissingToolError under CI=true, failing the file.
 */
export function skipWithoutTools(names: readonly ToolName[], env: NodeJS.ProcessEnv = process.env): boolean {
  const missing = names.map((n) => TOOLS[n]).filter((t) => !toolAvailable(t));
  if (missing.length === 0) return false;
  if (underCi(env)) {
    throw new MissingToolError(`required under CI=true but not installed: ${missingMessage(missing)} (.ci/run installs them)`);
  }
  console.warn(`skipping: not installed: ${missingMessage(missing)}`);
  return true;
}
