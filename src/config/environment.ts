import { ConfigError } from '../errors/sync-error.js';
import {
  isLogLevel,
  parseComponentLevels,
  type LogComponent,
  type LogLevel,
} from './log-settings.js';

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
  /** Base URL of Grafana, for trace and log links in reports. */
  grafanaUrl?: string;
}

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
  return {
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? 'syncscope',
    telemetryEnabled: nonEmpty(env.SYNCSCOPE_TELEMETRY) !== 'off',
    logLevel: level,
    componentLevels,
    otlpTracesUrl: signalUrl(env, 'traces'),
    otlpLogsUrl: signalUrl(env, 'logs'),
    otlpHeaders: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    grafanaUrl: nonEmpty(env.SYNCSCOPE_GRAFANA_URL),
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
