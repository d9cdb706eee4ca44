import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Timers } from '../github/timers.js';
import type { MondayAnswer } from './errors.js';
import type { Gateway, Plan } from './gateway.js';

export interface MondayFrontOptions {
  host: string;
  port: number;
  gateway: Gateway;
  /** Delay of an answer: base latency, seeded jitter, per-mutation time. */
  delayMs: (plan: Plan) => number;
}

/** Bodies above this are refused, as an API gateway would. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The node:http side: reads the body, asks the gateway, waits, then writes, cuts or drops. */
export class MondayFront {
  readonly timers = new Timers();
  private readonly server: Server;

  constructor(private readonly options: MondayFrontOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${port}/v2`;
  }

  async close(): Promise<void> {
    this.timers.clearAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const aborted = new AbortController();
    const body = await readBody(req).catch(() => undefined);
    const requestId = randomUUID();
    if (body === undefined) {
      write(res, { status: 413, body: { errors: [{ message: 'Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE', status_code: 413 } }] } }, requestId, false);
      return;
    }
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const plan = this.options.gateway.plan({
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://localhost').pathname,
      authorization: header('authorization'),
      apiVersion: header('api-version'),
      idempotencyKey: header('idempotency-key'),
      body,
      requestId,
    });
    res.once('close', () => {
      plan.done();
      aborted.abort();
    });
    const delay = this.options.delayMs(plan);
    if (delay > 0 && !(await this.timers.sleep(delay, aborted.signal))) return;
    if (plan.delivery === 'reset') {
      req.socket.destroy();
      return;
    }
    write(res, plan.answer, requestId, plan.delivery === 'truncated');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Every JSON answer carries the request ID in `extensions.request_id`, as Monday's do. */
function write(res: ServerResponse, answer: MondayAnswer, requestId: string, truncate: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  let contentType = 'application/json; charset=utf-8';
  let full: Buffer;
  if (answer.raw) {
    contentType = answer.raw.contentType;
    full = Buffer.from(answer.raw.text);
  } else {
    const body = answer.body as Record<string, unknown>;
    const extensions = (body.extensions as Record<string, unknown> | undefined) ?? {};
    full = Buffer.from(JSON.stringify({ ...body, extensions: { ...extensions, request_id: extensions.request_id ?? requestId } }));
  }
  // Truncation keeps the HTTP framing valid (content-length matches): only the JSON is broken.
  const out = truncate ? full.subarray(0, Math.floor(full.length / 2)) : full;
  res.writeHead(answer.status, { ...answer.headers, 'content-type': contentType, 'x-request-id': requestId, 'content-length': String(out.length) });
  res.end(out);
}
