import { join } from 'node:path';
import { parsePipelineConfig } from '../../config/load-config.js';
import type { GithubSourceMode } from '../../config/pipeline-schema.js';
import { UsageError } from '../../errors/sync-error.js';
import type { RunStore } from '../../ports/run-store.js';
import { startGithubSimulator, TRANSIENT_FAULT_KINDS, type GithubSimulator } from '../../simulator/github/index.js';
import { openRunStore } from '../../store/open-run-store.js';
import { recordedReadOptions } from '../../wiring/resume-check.js';
import { runSync } from '../../wiring/run-sync.js';
import { exitCodeOf } from '../exit-codes.js';
import { apiPointsOfRun } from '../../reports/api-points.js';
import { renderHumanSummary, toJsonSummary } from '../output/run-summary.js';
import { renderPartitionTable } from '../output/partition-table.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { abortOnSignals } from '../shutdown-signal.js';

export const DEMO_PIPELINE = 'github-demo';
/** A fake token: the simulator requires it, and it must never show up in any output. */
export const DEMO_TOKEN = 'ghp_SyncscopeDemoToken0000000000000000000';

export interface DemoSettings {
  repos: number;
  prsPerRepo: number;
  latencyMs: number;
  seed: number;
  faultRate: number;
  rateLimit: number;
  rateLimitWindow: number;
}

export interface DemoOptions extends OutputOptions, Partial<DemoSettings> {
  dataDir: string;
  reportsDir?: string;
  batchSize?: number;
  perPage?: number;
  concurrency?: number;
  maxConcurrentRequests?: number;
  /** `true`: the latest interrupted demo run; a string: that sync ID. */
  resume?: boolean | string;
  /** `rest` or `graphql` (the default); a resume keeps the mode the sync started with. */
  mode?: GithubSourceMode;
}

/** `syncscope demo`: starts the bundled GitHub simulator on a free loopback port and syncs it to SQLite. */
export async function demoCommand(options: DemoOptions): Promise<number> {
  const store = await openRunStore({ kind: 'sqlite', path: join(options.dataDir, 'syncscope.db') });
  let simulator: GithubSimulator | undefined;
  const signals = abortOnSignals();
  try {
    const resumeId = await resolveResume(store, options.resume);
    const settings = resumeId ? await recordedSettings(store, resumeId) : settingsFrom(options);
    // A resume reuses what the sync started with unless a flag says otherwise (then a differing
    // read option is refused by the resume check, naming it).
    const recorded = resumeId ? await recordedRunOptions(store, resumeId) : {};
    simulator = await startGithubSimulator({
      repos: settings.repos,
      prsPerRepo: settings.prsPerRepo,
      latencyMs: settings.latencyMs,
      seed: settings.seed,
      token: DEMO_TOKEN,
      rateLimit: { limit: settings.rateLimit, windowSeconds: settings.rateLimitWindow },
      faults: settings.faultRate > 0 ? { rate: settings.faultRate, kinds: [...TRANSIENT_FAULT_KINDS], slowMs: 3000 } : undefined,
    });
    const sim = simulator;
    const config = parsePipelineConfig({
      pipeline: { name: DEMO_PIPELINE },
      source: { type: 'github', base_url: sim.url, org: sim.org, per_page: options.perPage ?? recorded.perPage ?? 100 },
      destination: { type: 'sqlite', path: join(options.dataDir, 'demo-github.db') },
      options: { batch_size: options.batchSize ?? recorded.batchSize ?? 50, partition_concurrency: options.concurrency ?? recorded.concurrency ?? 4 },
      api: {
        max_concurrent_per_token: options.maxConcurrentRequests ?? 8,
        // Injected slow responses take 3 s: time out well before, as a real client would.
        request_timeout_ms: Math.max(1000, settings.latencyMs * 20),
        max_attempts: 6,
        reset_margin_ms: 50,
      },
      reports: { dir: options.reportsDir ?? './reports' },
    }, 'demo settings');
    return await withRuntime(options, async (runtime) => {
      const run = await runSync(runtime, {
        config,
        store,
        token: DEMO_TOKEN,
        execute: true,
        resume: resumeId,
        mode: options.mode,
        extraOptions: { demo: settings },
        signal: signals.signal,
      });
      const stats = sim.stats();
      const summary = toJsonSummary(run, {
        reportPath: run.reportPath ?? undefined,
        points: await apiPointsOfRun(store, run),
        simulator: { requests: stats.requests, rate_limit_rejections: stats.rateLimitRejections, faults_injected: stats.faultsInjected },
      });
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : renderHumanSummary(summary) + renderPartitionTable(await store.listPartitions(run.syncId)));
      return exitCodeOf(run.status);
    }, { pipeline: config.pipeline.name });
  } finally {
    signals.dispose();
    await simulator?.close();
    await store.close();
  }
}

function settingsFrom(options: DemoOptions): DemoSettings {
  return {
    repos: options.repos ?? 5,
    prsPerRepo: options.prsPerRepo ?? 40,
    latencyMs: options.latencyMs ?? 5,
    seed: options.seed ?? 42,
    faultRate: options.faultRate ?? 0,
    rateLimit: options.rateLimit ?? 5000,
    rateLimitWindow: options.rateLimitWindow ?? 3600,
  };
}

async function resolveResume(store: RunStore, resume: boolean | string | undefined): Promise<string | undefined> {
  if (resume === undefined || resume === false) return undefined;
  if (typeof resume === 'string') return resume;
  const [interrupted] = await store.listRuns({ pipeline: DEMO_PIPELINE, status: 'interrupted', limit: 1 });
  const [cancelled] = await store.listRuns({ pipeline: DEMO_PIPELINE, status: 'cancelled', limit: 1 });
  const stopped = [interrupted, cancelled].filter((r) => r !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  const [running] = stopped ? [] : await store.listRuns({ pipeline: DEMO_PIPELINE, status: 'running', limit: 1 });
  const target = stopped ?? running;
  if (!target) throw new UsageError('no interrupted or cancelled demo run to resume');
  return target.syncId;
}

async function recordedSettings(store: RunStore, syncId: string): Promise<DemoSettings> {
  const run = await store.getRun(syncId);
  const demo = run?.options.demo as DemoSettings | undefined;
  if (!run || !demo) throw new UsageError(`${syncId} is not a demo run in ${DEMO_PIPELINE}`);
  return demo;
}

/** The page size, batch size and concurrency a demo sync was started with, as far as recorded. */
async function recordedRunOptions(store: RunStore, syncId: string): Promise<{ perPage?: number; batchSize?: number; concurrency?: number }> {
  const run = await store.getRun(syncId);
  if (!run) return {};
  const read = recordedReadOptions(run);
  const numberOf = (value: unknown) => (typeof value === 'number' ? value : undefined);
  const found = { perPage: numberOf(read?.per_page), batchSize: numberOf(run.options.batch_size), concurrency: numberOf(run.options.partition_concurrency) };
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined));
}
