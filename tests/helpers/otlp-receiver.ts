import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/JSON encodes it (IDs in hex, kind as a number: CLIENT = 3). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number; message?: string };
  events?: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>;
}

/** The resource of a batch of spans or log records. */
export interface OtlpResource {
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

export interface OtlpLogRecord {
  traceId?: string;
  spanId?: string;
  body?: { stringValue?: string };
  /** The LogRecord's EventName field (OTLP 1.5+). */
  eventName?: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

export function attr(item: { attributes: OtlpSpan['attributes'] }, key: string): unknown {
  const value = item.attributes.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  return value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
}

/**
 * A local OTLP/HTTP receiver for `/v1/traces` and `/v1/logs` (JSON encoding, what
 * exporter-*-otlp-http sends). Records what arrives; tests assert on it.
 */
export class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly logs: OtlpLogRecord[] = [];
  /** One entry per exported batch, spans and logs alike. */
  readonly resources: OtlpResource[] = [];
  readonly rawBodies: string[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        this.rawBodies.push(body);
        try {
          const parsed = JSON.parse(body) as Record<string, unknown>;
          if (req.url?.endsWith('/v1/traces')) this.collectSpans(parsed);
          if (req.url?.endsWith('/v1/logs')) this.collectLogs(parsed);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private collectSpans(body: Record<string, unknown>): void {
    for (const rs of (body.resourceSpans as Array<{ resource?: OtlpResource; scopeSpans: Array<{ spans: OtlpSpan[] }> }>) ?? []) {
      if (rs.resource) this.resources.push(rs.resource);
      for (const ss of rs.scopeSpans ?? []) this.spans.push(...(ss.spans ?? []));
    }
  }

  private collectLogs(body: Record<string, unknown>): void {
    for (const rl of (body.resourceLogs as Array<{ resource?: OtlpResource; scopeLogs: Array<{ logRecords: OtlpLogRecord[] }> }>) ?? []) {
      if (rl.resource) this.resources.push(rl.resource);
      for (const sl of rl.scopeLogs ?? []) this.logs.push(...(sl.logRecords ?? []));
    }
  }
}
