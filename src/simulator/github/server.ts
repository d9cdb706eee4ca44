import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRAPHQL_ROUTE, isGraphqlRequest, planGraphql, readBody, type GraphqlEndpointDeps } from './graphql/endpoint.js';
import { plan, type PipelineDeps, type Plan } from './pipeline.js';
import type { Answer } from './responses.js';
import { matchRoute } from './routes.js';
import type { StatsRecorder } from './stats.js';
import { Timers } from './timers.js';

export interface HttpFrontOptions {
  host: string;
  port: number;
  latencyMs: number;
  deps: PipelineDeps;
  /** POST /graphql, with its own budget and limits beside the REST pipeline's. */
  graphql: GraphqlEndpointDeps;
}

/** Headers every answer carries; GitHub's request IDs let support find a request, ours are unique per run. */
const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-github-media-type': 'github.v3; format=json',
  'x-github-api-version-selected': '2022-11-28',
};

/** The node:http side: turns requests into pipeline calls, applies delays, writes or drops. */
export class HttpFront {
  readonly timers = new Timers();
  private readonly server: Server;
  private readonly instance = randomBytes(2).toString('hex').toUpperCase();
  private sequence = 0;
  private origin = '';

  constructor(private readonly options: HttpFrontOptions) {
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
    this.origin = `http://${host}:${port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    this.timers.clearAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = this.requestUrl(req);
    const method = req.method ?? 'GET';
    const graphql = isGraphqlRequest(method, url.pathname);
    const matched = graphql ? undefined : matchRoute(method, url.pathname);
    const routeKey = graphql ? GRAPHQL_ROUTE : (matched?.route.template ?? `${method} (unmatched)`);
    const stats: StatsRecorder = this.options.deps.stats;
    const finished = stats.requestStarted(routeKey);
    const aborted = new AbortController();
    const receivedAtMs = Date.now();
    const requestId = `SIM:${this.instance}:${(this.sequence += 1).toString(16).toUpperCase().padStart(8, '0')}`;
    let release: (() => void) | undefined;
    // Registered before the (GraphQL) body is read, so a client that goes away meanwhile is noticed.
    res.once('close', () => {
      finished();
      release?.();
      aborted.abort();
    });
    let decision: Plan;
    try {
      const authorization = req.headers.authorization;
      decision = graphql
        ? await planGraphql({ body: await readBody(req), authorization, requestId }, this.options.graphql)
        : plan({ matched, routeKey, url, authorization, requestId }, this.options.deps);
    } catch (error) {
      // A simulator bug: say so in the answer rather than hang the client or kill the server.
      decision = { type: 'answer', answer: internalError(error), extraDelayMs: 0, truncate: false };
    }
    if (aborted.signal.aborted) {
      decision.release?.();
      return;
    }
    release = decision.release;
    const delayMs = this.options.latencyMs + (decision.type === 'answer' ? decision.extraDelayMs : 0);
    if (delayMs > 0 && !(await this.timers.sleep(delayMs, aborted.signal))) return;
    if (decision.type === 'reset') {
      req.socket.destroy();
      return;
    }
    write(res, decision.answer, requestId, decision.truncate, decision.cut === true);
    const retryAfter = decision.answer.headers?.['retry-after'];
    stats.answered({
      receivedAtMs, answeredAtMs: Date.now(), route: routeKey, status: decision.answer.status, requestId,
      ...(retryAfter !== undefined ? { retryAfterSeconds: Number(retryAfter) } : {}),
    });
  }

  /** The request's absolute URL, with the origin the client used (its Host header) for Link headers. */
  private requestUrl(req: IncomingMessage): URL {
    const path = req.url ?? '/';
    try {
      return new URL(path, `http://${req.headers.host ?? 'localhost'}`);
    } catch {
      return new URL(path.startsWith('/') ? path : '/', this.origin || 'http://localhost');
    }
  }
}

function write(res: ServerResponse, answer: Answer, requestId: string, truncate: boolean, cut: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  const full = Buffer.from(answer.raw ? answer.raw.text : JSON.stringify(answer.body));
  // Truncation keeps the HTTP framing valid (content-length matches): only the JSON is broken.
  const body = truncate ? full.subarray(0, Math.floor(full.length / 2)) : full;
  res.writeHead(answer.status, {
    ...BASE_HEADERS,
    ...(answer.raw ? { 'content-type': answer.raw.contentType } : {}),
    ...answer.headers,
    'x-github-request-id': requestId,
    'content-length': String(body.length),
  });
  if (!cut) {
    res.end(body);
    return;
  }
  // A cut stream breaks the framing itself: the socket closes before content-length bytes arrived.
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

function internalError(error: unknown): Answer {
  const detail = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { message: `Simulator internal error: ${detail}` } };
}
