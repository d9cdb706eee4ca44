import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readEnvironment } from '../config/environment.js';
import { writeTelemetryFlushFailed } from '../telemetry/events.js';
import { renderPrometheusText } from '../telemetry/metrics-render.js';
import type { LogFormat } from '../telemetry/logger.js';
import { Runtime } from '../wiring/runtime.js';
import { TerminalProgressBar } from './output/progress-bar.js';
import { UsageError } from '../errors/sync-error.js';

/** Options every command that runs a sync shares. */
export interface OutputOptions {
  json?: boolean;
  logLevel?: string;
  logFormat?: string;
  metricsFile?: string;
}

function logFormatOf(option: string | undefined): LogFormat {
  if (option === undefined) return process.stderr.isTTY ? 'text' : 'json';
  if (option === 'json' || option === 'text') return option;
  throw new UsageError(`--log-format must be json or text, not "${option}"`);
}

/** What a command tells its scope. */
export interface SyncScope {
  /** The pipeline a one-shot sync command syncs: its metrics are pushed at exit, grouped by it. */
  pipeline?: string;
  /** Draw the terminal progress bar (default true); `serve` runs many syncs and has a dashboard. */
  progressBar?: boolean;
}

/**
 * Starts the process runtime for one command, runs it, then pushes the metrics (one-shot syncs,
 * when a Pushgateway is configured), writes the metrics file and flushes telemetry, whatever the
 * command's outcome. Returns the command's exit code.
 */
export async function withRuntime(options: OutputOptions, command: (runtime: Runtime) => Promise<number>, sync: SyncScope = {}): Promise<number> {
  const logFormat = logFormatOf(options.logFormat);
  // A bar only where a person watches one run: a terminal with readable logs, not JSON for machines
  // (and not `serve`, whose runs are many and watched on its dashboard).
  const wantsBar = sync.progressBar ?? true;
  const bar = wantsBar && process.stderr.isTTY && logFormat === 'text' ? new TerminalProgressBar(process.stderr) : undefined;
  const runtime = Runtime.start({
    env: readEnvironment(process.env, { logLevel: options.logLevel }),
    logFormat,
    logStream: bar?.logStream(),
    onProgress: bar ? (progress) => bar.update(progress) : undefined,
  });
  try {
    return await command(runtime);
  } finally {
    bar?.finish();
    if (sync.pipeline) await runtime.pushMetrics(sync.pipeline);
    if (options.metricsFile) {
      await mkdir(dirname(options.metricsFile), { recursive: true });
      await writeFile(options.metricsFile, await renderPrometheusText(runtime.metrics));
    }
    const { telemetryError } = await runtime.shutdown();
    if (telemetryError) writeTelemetryFlushFailed(process.stderr, runtime.options.env.serviceName, telemetryError, runtime.lastRun);
  }
}
