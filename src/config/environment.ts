import { hostname } from 'node:os';
import { ConfigError } from '../errors/sync-error.js';
import {
  isLogLevel,
  parseComponentLevels,
  type LogComponent,
  type LogLevel,
} from './log-settings.js';
import { credentialFreeBaseUrl } from './secret-patterns.js';

/** Process-wide settings from the environment (the standard OTEL_* variables and SYNCSCOPE_*). */
export interface EnvironmentSettings {
  serviceName: string;
  /**
   * `SYNCSCOPE_TELEMETRY=off`: no tracing SDK and only error events, for measuring what telemetry
   * costs. Metrics stay (they are in-memory counters).
   */
  telemetryEnabled: boolean;
  logLevel: LogLevel;
  componentLevels: Partial<Record<LogComponent, LogLevel>>;
  /** OTLP/HTTP URL for spans (`.../v1/traces`); undefined = export nothing. */
  otlpTracesUrl?: string;
  /** OTLP/HTTP URL for logs (`.../v1/logs`); undefined = logs stay on stderr. */
  otlpLogsUrl?: string;
  otlpHeaders: Record<string, string>;
  /**
   * How long spans and log records may wait for their batch's export, ms: `OTEL_BSP_SCHEDULE_DELAY`
   * and `OTEL_BLRP_SCHEDULE_DELAY` (default 1000; the OTel default of 5000 holds a short CLI run's
   * spans until its shutdown). A full batch (512) is exported at once whatever the delay.
   */
  exportDelayMs: { spans: number; logs: number };
  /** Base URL of Grafana, for trace and log links in reports. */
  grafanaUrl?: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` (key=value,...), added to the resource of every span and log record. */
  resourceAttributes: Record<string, string>;
  /** Where a one-shot CLI run pushes its metrics at exit; undefined = no push. */
  pushgateway?: PushgatewaySettings;
}

export interface PushgatewaySettings {
  /** `SYNCSCOPE_PUSHGATEWAY_URL`: base URL of the Prometheus Pushgateway, e.g. http://localhost:9091. */
  url: string;
  /**
   * `SYNCSCOPE_PUSHGATEWAY_INSTANCE` (default: the host name): the `instance` of the pushed group.
   * Runs of one pipeline on one instance add up in one group; give concurrent runs of the same
   * pipeline distinct instances (e.g. worker-1, worker-2).
   */
  instance: string;
  /** `SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS` (default 2000): bound on each request to the gateway. */
  timeoutMs: number;
}

const DEFAULT_PUSH_TIMEOUT_MS = 2000;
/** How long spans and log records wait for their batch's export unless OTEL_BSP_ / OTEL_BLRP_SCHEDULE_DELAY say otherwise. */
export const DEFAULT_EXPORT_DELAY_MS = 1000;
const MAX_EXPORT_DELAY_MS = 600_000;

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);

/** `OTEL_EXPORTER_OTLP_ENDPOINT` is a base URL; the per-signal variables are used as given. */
function signalUrl(env: Env, signal: 'traces' | 'logs'): string | undefined {
  const upper = signal.toUpperCase();
  if (nonEmpty(env[`OTEL_${upper}_EXPORTER`]) === 'none') return undefined;
  const specific = nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`]);
  if (specific) return specific;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  return base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined;
}

function parseHeaders(spec: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/** `key1=value1,key2=value2`, values percent-encoded (the OTel environment-variable spec). */
function parseResourceAttributes(spec: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError(`OTEL_RESOURCE_ATTRIBUTES: "${pair}" is not key=value`);
    try {
      attributes[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new ConfigError(`OTEL_RESOURCE_ATTRIBUTES: "${pair}" is not percent-encoded correctly`);
    }
  }
  return attributes;
}

function readPushgateway(env: Env): PushgatewaySettings | undefined {
  const url = nonEmpty(env.SYNCSCOPE_PUSHGATEWAY_URL);
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SYNCSCOPE_PUSHGATEWAY_URL: "${url}" is not a URL (e.g. http://localhost:9091)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`SYNCSCOPE_PUSHGATEWAY_URL: "${parsed.protocol}" is not http: or https:`);
  }
  const timeoutText = nonEmpty(env.SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS);
  const timeoutMs = timeoutText === undefined ? DEFAULT_PUSH_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
    throw new ConfigError(`SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS must be an integer from 1 to 60000 (milliseconds), not "${timeoutText}"`);
  }
  return { url, instance: nonEmpty(env.SYNCSCOPE_PUSHGATEWAY_INSTANCE) ?? hostname(), timeoutMs };
}

function exportDelay(env: Env, name: 'OTEL_BSP_SCHEDULE_DELAY' | 'OTEL_BLRP_SCHEDULE_DELAY'): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return DEFAULT_EXPORT_DELAY_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_EXPORT_DELAY_MS) {
    throw new ConfigError(`${name} must be an integer from 1 to ${MAX_EXPORT_DELAY_MS} (milliseconds), not "${text}"`);
  }
  return ms;
}

export function readEnvironment(env: Env = process.env, overrides: { logLevel?: string } = {}): EnvironmentSettings {
  const level = overrides.logLevel ?? nonEmpty(env.SYNCSCOPE_LOG_LEVEL) ?? 'info';
  if (!isLogLevel(level)) {
    throw new ConfigError(`log level "${level}" is not one of error, warn, info, debug (SYNCSCOPE_LOG_LEVEL / --log-level)`);
  }
  let componentLevels: Partial<Record<LogComponent, LogLevel>>;
  try {
    componentLevels = parseComponentLevels(env.SYNCSCOPE_LOG_LEVELS ?? '');
  } catch (error) {
    throw new ConfigError(`SYNCSCOPE_LOG_LEVELS: ${(error as Error).message}`);
  }
  const resourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  return {
    // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (the OTel spec's order).
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? nonEmpty(resourceAttributes['service.name']) ?? 'syncscope',
    telemetryEnabled: nonEmpty(env.SYNCSCOPE_TELEMETRY) !== 'off',
    logLevel: level,
    componentLevels,
    otlpTracesUrl: signalUrl(env, 'traces'),
    otlpLogsUrl: signalUrl(env, 'logs'),
    otlpHeaders: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    exportDelayMs: { spans: exportDelay(env, 'OTEL_BSP_SCHEDULE_DELAY'), logs: exportDelay(env, 'OTEL_BLRP_SCHEDULE_DELAY') },
    // Reports and `show` print links built on it: never with a token or user:pass in them.
    grafanaUrl: grafanaBase(nonEmpty(env.SYNCSCOPE_GRAFANA_URL)),
    resourceAttributes,
    pushgateway: readPushgateway(env),
  };
}

/** The token a pipeline names by environment variable; absent is allowed (public data, simulator). */
export function readToken(tokenEnv: string, env: Env = process.env): string | undefined {
  return nonEmpty(env[tokenEnv]);
}

/** The bearer token `syncscope status --url` sends (SYNCSCOPE_TOKEN); never a flag, so it stays out of shell history and `ps`. */
export function readClientToken(env: Env = process.env): string | undefined {
  return nonEmpty(env.SYNCSCOPE_TOKEN);
}

/** Whether a terminal may be coloured: not when NO_COLOR is set (https://no-color.org). */
export function colorAllowed(env: Env = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

function grafanaBase(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : credentialFreeBaseUrl(raw);
}
