import { Agent } from 'node:http';
import { Pushgateway, Registry } from 'prom-client';
import { z } from 'zod';
import { buildOnce } from '../config/build-once.js';
import type { SyncMetrics } from './metrics.js';
import { exclusively } from './metrics-render.js';
import { parseSampleValue, renderMerged, type Family, type Sample } from './push-merge.js';

export interface PushTarget {
  /** Base URL of the Pushgateway, e.g. http://localhost:9091. */
  url: string;
  /** The `job` label: the service name, as a scraped process's job would be. */
  job: string;
  /** The group: pipeline and instance, never a sync ID (each group is a series set kept forever). */
  grouping: { pipeline: string; instance: string };
  /** Bound on each of the two requests (read the group, replace it). */
  timeoutMs: number;
}

export type PushOutcome = { ok: true; samples: number } | { ok: false; error: string };

/** The Pushgateway API's answers, built on a run's first push (config/build-once.ts), not at import. */
const apiSchemas = buildOnce(() => {
  const apiSample = z.object({
    labels: z.record(z.string(), z.string()),
    value: z.string().optional(),
    buckets: z.record(z.string(), z.string()).optional(),
    count: z.string().optional(),
    sum: z.string().optional(),
  });
  return {
    apiSample,
    apiFamily: z.object({ type: z.string(), metrics: z.array(apiSample) }),
    apiBody: z.object({ status: z.literal('success'), data: z.array(z.object({ labels: z.record(z.string(), z.string()) }).catchall(z.unknown())) }),
  };
});
type ApiSample = z.infer<ReturnType<typeof apiSchemas>['apiSample']>;

/** The group's current samples per family, from the Pushgateway's `/api/v1/metrics`. */
async function previousSamples(target: PushTarget): Promise<Map<string, Sample[]>> {
  const response = await fetch(new URL('api/v1/metrics', withSlash(target.url)), { signal: AbortSignal.timeout(target.timeoutMs) });
  if (!response.ok) throw new Error(`GET /api/v1/metrics answered ${response.status}`);
  const { apiBody, apiFamily } = apiSchemas();
  const body = apiBody.safeParse(await response.json().catch(() => undefined));
  if (!body.success) throw new Error('GET /api/v1/metrics did not answer the Pushgateway JSON API');
  const wanted: Record<string, string> = { job: target.job, ...target.grouping };
  const group = body.data.data.find(({ labels }) => Object.keys(labels).length === Object.keys(wanted).length && Object.entries(wanted).every(([k, v]) => labels[k] === v));
  const samples = new Map<string, Sample[]>();
  for (const [name, value] of Object.entries(group ?? {})) {
    const family = apiFamily.safeParse(value);
    if (family.success) samples.set(name, family.data.metrics.flatMap((m) => samplesOf(name, m)));
  }
  return samples;
}

function samplesOf(name: string, m: ApiSample): Sample[] {
  if (m.value !== undefined) return [{ name, labels: m.labels, value: parseSampleValue(m.value) }];
  if (!m.buckets) return [];
  return [
    ...Object.entries(m.buckets).map(([le, count]) => ({ name: `${name}_bucket`, labels: { ...m.labels, le }, value: parseSampleValue(count) })),
    { name: `${name}_sum`, labels: m.labels, value: parseSampleValue(m.sum ?? '0') },
    { name: `${name}_count`, labels: m.labels, value: parseSampleValue(m.count ?? '0') },
  ];
}

/** This process's families, read alone on the registry (no render renames counters meanwhile). */
async function ownFamilies(metrics: SyncMetrics): Promise<Family[]> {
  return exclusively(metrics.registry, async () => {
    const declared = new Map(metrics.registry.getMetricsAsArray().map((m) => [m.name, m]));
    return (await metrics.registry.getMetricsAsJSON()).map((f) => {
      const metric = declared.get(f.name);
      const labelNames = metric && 'labelNames' in metric && Array.isArray(metric.labelNames) ? metric.labelNames.map(String) : [];
      const buckets = metric && 'upperBounds' in metric && Array.isArray(metric.upperBounds) ? metric.upperBounds.map(Number) : undefined;
      const samples = f.values.map((v) => ({ name: ('metricName' in v && typeof v.metricName === 'string' ? v.metricName : undefined) ?? f.name, labels: v.labels as Sample['labels'], value: v.value }));
      return { name: f.name, help: f.help, type: String(f.type), labelNames, buckets, samples };
    });
  });
}

/** prom-client's Pushgateway sends `registry.metrics()`: here, the merged text. */
class MergedExposition extends Registry {
  constructor(private readonly text: string) {
    super();
  }

  override metrics(): Promise<string> {
    return Promise.resolve(this.text);
  }
}

/**
 * Replaces the run's group on the Pushgateway with this process's metrics added to what the
 * group held (see push-merge.ts). Never throws and never takes much longer than twice
 * `timeoutMs`: a dead or slow gateway is a failed push, not a failed sync.
 */
export async function pushMetrics(metrics: SyncMetrics, target: PushTarget): Promise<PushOutcome> {
  const agent = new Agent({ keepAlive: false });
  try {
    const [previous, families] = await Promise.all([previousSamples(target), ownFamilies(metrics)]);
    const text = renderMerged(families, previous);
    const gateway = new Pushgateway(withSlash(target.url), { timeout: target.timeoutMs, agent }, new MergedExposition(text));
    await withDeadline(gateway.push({ jobName: target.job, groupings: target.grouping }), target.timeoutMs);
    return { ok: true, samples: text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length };
  } catch (error) {
    return { ok: false, error: describe(error, target.timeoutMs) };
  } finally {
    agent.destroy();
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The socket timeout bounds idle time only; a gateway trickling bytes is cut here. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms + 100);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const detail = cause && 'code' in cause && cause.code !== undefined ? String(cause.code) : cause?.message;
  return detail ? `${message} (${detail})` : message;
}
