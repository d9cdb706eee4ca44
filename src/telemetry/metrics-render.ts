import { Registry, type RegistryContentType } from 'prom-client';
import type { SyncMetrics } from './metrics.js';

export type MetricsFormat = 'prometheus' | 'openmetrics';

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

interface RenderState {
  /** Each metric's name as registered: prom-client's OpenMetrics render renames counters in place. */
  names: Map<{ name: string }, string>;
  /** The registry's content type is shared state: renders run one after another. */
  queue: Promise<unknown>;
}

const states = new WeakMap<Registry<RegistryContentType>, RenderState>();

function stateOf(registry: Registry<RegistryContentType>): RenderState {
  let state = states.get(registry);
  if (!state) {
    state = { names: new Map(registry.getMetricsAsArray().map((metric) => [metric, metric.name])), queue: Promise.resolve() };
    states.set(registry, state);
  }
  return state;
}

/**
 * Remembers every metric's registered name. Called once the registry is complete, before its
 * first render (renders also call it, so a registry nobody prepared still works).
 */
export function prepareRendering(registry: Registry<RegistryContentType>): void {
  stateOf(registry);
}

/**
 * Runs `task` alone on the registry: no render (with its content-type switch and its renames)
 * interleaves with it. Everything that reads the registry's text or JSON goes through here.
 */
export function exclusively<T>(registry: Registry<RegistryContentType>, task: () => Promise<T>): Promise<T> {
  const state = stateOf(registry);
  const run = state.queue.then(task, task);
  state.queue = run.catch(() => undefined);
  return run;
}

/**
 * Renders the registry in one format without leaving a trace on it. prom-client 15's
 * `Registry.metrics()` in OpenMetrics mode strips `_total` from each counter's `name` and keeps it
 * stripped, so every later Prometheus-text render would say `sync_runs` instead of
 * `sync_runs_total`; the names are put back after each render, and renders never overlap.
 */
export function renderMetrics(metrics: SyncMetrics, format: MetricsFormat): Promise<RenderedMetrics> {
  const { registry } = metrics;
  const contentType = format === 'openmetrics' && metrics.exemplars ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
  return exclusively(registry, async () => {
    const previous = registry.contentType;
    registry.setContentType(contentType);
    try {
      return { contentType, body: await registry.metrics() };
    } finally {
      registry.setContentType(previous);
      for (const [metric, name] of stateOf(registry).names) metric.name = name;
    }
  });
}

/** The format a scraper asked for in its Accept header (Prometheus asks for OpenMetrics first). */
export function formatFor(accept: string | undefined): MetricsFormat {
  return (accept ?? '').includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}

/** A `/metrics` answer: OpenMetrics with exemplars when asked for, Prometheus text otherwise. */
export function scrapeMetrics(metrics: SyncMetrics, accept: string | undefined): Promise<RenderedMetrics> {
  return renderMetrics(metrics, formatFor(accept));
}

/**
 * The registry in the Prometheus text format (no exemplars): what `promtool check metrics`,
 * `--metrics-file` and the Pushgateway take.
 */
export async function renderPrometheusText(metrics: SyncMetrics): Promise<string> {
  return (await renderMetrics(metrics, 'prometheus')).body;
}
