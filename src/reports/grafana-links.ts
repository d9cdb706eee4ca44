/**
 * Grafana Explore deep links for one sync. The datasource UIDs are the ones provisioned in
 * `grafana/provisioning/datasources/datasources.yaml`; the `panes` URL format is Grafana ≥ 10's
 * (https://grafana.com/docs/grafana/latest/explore/#generating-explore-urls-from-external-tools).
 */
import { credentialFreeBaseUrl } from '../config/secret-patterns.js';

export const TEMPO_UID = 'tempo';
export const LOKI_UID = 'loki';

export interface GrafanaLinkInput {
  /** Grafana's base URL (SYNCSCOPE_GRAFANA_URL); no links without it. */
  grafanaUrl: string | undefined;
  serviceName: string;
  syncId: string;
  traceId: string;
  startedAt: string;
  finishedAt: string | null;
}

/** Padding around the run, so late log lines and clock skew stay inside the range. */
const MARGIN_MS = 5 * 60_000;

export function grafanaLinks(input: GrafanaLinkInput): { trace: string | null; logs: string | null } {
  if (!input.grafanaUrl) return { trace: null, logs: null };
  // Rebuilt without credentials even when the caller did not read it through readEnvironment.
  const base = credentialFreeBaseUrl(input.grafanaUrl).replace(/\/+$/, '');
  const from = Date.parse(input.startedAt) - MARGIN_MS;
  const to = (input.finishedAt ? Date.parse(input.finishedAt) : Date.now()) + MARGIN_MS;
  const range = { from: String(from), to: String(to) };
  const trace = explore(base, {
    datasource: TEMPO_UID,
    queries: [{ refId: 'A', datasource: { type: 'tempo', uid: TEMPO_UID }, queryType: 'traceql', query: input.traceId }],
    range,
  });
  const logs = explore(base, {
    datasource: LOKI_UID,
    queries: [{ refId: 'A', datasource: { type: 'loki', uid: LOKI_UID }, expr: lokiQuery(input.serviceName, input.syncId) }],
    range,
  });
  return { trace, logs };
}

/** The LogQL selecting one sync's events (sync_id is a structured-metadata field of each line). */
export function lokiQuery(serviceName: string, syncId: string): string {
  return `{service_name="${escapeLogql(serviceName)}"} | sync_id="${escapeLogql(syncId)}"`;
}

function explore(base: string, pane: Record<string, unknown>): string {
  return `${base}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify({ sync: pane }))}`;
}

function escapeLogql(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
