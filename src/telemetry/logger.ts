import winston from 'winston';
import type TransportStream from 'winston-transport';
import type { LogLevelPolicy } from './log-levels.js';

export type LogFormat = 'json' | 'text';

export interface LoggerOptions {
  format: LogFormat;
  policy: LogLevelPolicy;
  serviceName: string;
  /** Where JSON lines or text go; the CLI passes stderr so stdout stays for the summary. */
  stream?: NodeJS.WritableStream;
  /** More transports, e.g. OTLP log shipping. */
  transports?: TransportStream[];
}

/** Keys written first, in this order, so a JSON line reads the same way every time. */
const LEADING_KEYS = ['timestamp', 'level', 'event', 'service', 'sync_id', 'pipeline', 'trace_id', 'span_id'];
/**
 * The key `@opentelemetry/winston-transport` maps to a log record's EventName (semconv
 * `otel.event.name`); stderr lines carry the same name as `event`.
 */
export const EVENT_NAME_KEY = 'otel.event.name';
const HIDDEN_KEYS = new Set(['message', 'splat', EVENT_NAME_KEY]);

function orderedFields(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of LEADING_KEYS) if (info[key] !== undefined) out[key] = info[key];
  for (const [key, value] of Object.entries(info)) {
    if (value === undefined || key in out || HIDDEN_KEYS.has(key)) continue;
    out[key] = value;
  }
  return out;
}

const jsonLine = winston.format.printf((info) => JSON.stringify(orderedFields(info)));

const textLine = winston.format.printf((info) => {
  const { timestamp, level, event, service: _service, trace_id: _t, span_id: _s, ...rest } =
    orderedFields(info);
  const time = typeof timestamp === 'string' ? timestamp.slice(11, 23) : '';
  const details = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${String(level).toUpperCase().padEnd(5)} ${String(event)} ${details}`;
});

export function createLogger(options: LoggerOptions): winston.Logger {
  const stream = options.stream ?? process.stderr;
  return winston.createLogger({
    level: options.policy.mostVerbose(),
    defaultMeta: { service: options.serviceName },
    format: winston.format.timestamp(),
    transports: [
      new winston.transports.Stream({
        stream,
        format: options.format === 'json' ? jsonLine : textLine,
      }),
      ...(options.transports ?? []),
    ],
  });
}

/** Resolves once every transport has written what it was given (before exit). */
export async function closeLogger(logger: winston.Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
    setTimeout(resolve, 2000).unref();
  });
}
