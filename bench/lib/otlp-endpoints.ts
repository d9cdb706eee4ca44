import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

/** A telemetry backend the bench points a worker at: its base URL, what it saw, and how to stop it. */
export interface OtlpEndpoint {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporters append `/v1/traces`, `/v1/logs`). */
  readonly url: string;
  stats(): OtlpEndpointStats;
  stop(): Promise<void>;
}

export interface OtlpEndpointStats {
  requests: number;
  bytes: number;
  spans: number;
  logRecords: number;
  /** Connections accepted (the black hole holds every one until `stop`). */
  connections: number;
}

/**
 * A working OTLP/HTTP JSON receiver, as light as a collector's front door: it reads each request,
 * counts the spans and log records in it and answers 200. It runs on its own thread, so taking in
 * telemetry never stalls the simulator's event loop (a collector runs apart from the API too), and
 * it counts by scanning the bytes rather than parsing them, so it costs the shared CPUs little.
 */
export async function startOtlpReceiver(): Promise<OtlpEndpoint> {
  const counters = new BigInt64Array(new SharedArrayBuffer(5 * 8));
  const thread = new Worker(RECEIVER_THREAD, { eval: true, workerData: { counters } });
  const port = await new Promise<number>((resolve, reject) => {
    thread.once('message', (message: { port: number }) => resolve(message.port));
    thread.once('error', reject);
  });
  const read = (i: number) => Number(Atomics.load(counters, i));
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests: read(0), bytes: read(1), spans: read(2), logRecords: read(3), connections: read(4) }),
    stop: async () => {
      const stopped = new Promise<void>((resolve) => thread.once('message', () => resolve()));
      thread.postMessage('stop');
      await stopped;
      await thread.terminate();
    },
  };
}

/** The receiver thread (plain JS: worker threads do not load TypeScript). Counters: see `stats`. */
const RECEIVER_THREAD = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const c = workerData.counters;
const SPAN = Buffer.from('"spanId":"');
const LOG = Buffer.from('"observedTimeUnixNano"');
const count = (body, needle) => { let n = 0; for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + 1)) n++; return n; };
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    Atomics.add(c, 0, 1n);
    Atomics.add(c, 1, BigInt(body.length));
    if (req.url.endsWith('/v1/traces')) Atomics.add(c, 2, BigInt(count(body, SPAN)));
    if (req.url.endsWith('/v1/logs')) Atomics.add(c, 3, BigInt(count(body, LOG)));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.on('connection', () => Atomics.add(c, 4, 1n));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.closeAllConnections();
  server.close(() => parentPort.postMessage('stopped'));
});
`;

/**
 * A backend that accepts connections and never answers: the TCP handshake succeeds, requests go
 * out, and nothing comes back. Every socket is held until `stop`, which destroys them.
 */
export async function startBlackHole(): Promise<OtlpEndpoint> {
  const stats = emptyStats();
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    stats.connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      stats.bytes += chunk.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    stats: () => ({ ...stats }),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on a local port nobody listens on (bound, read, released): connections are refused. */
export async function refusedEndpoint(): Promise<OtlpEndpoint> {
  const server = createNetServer();
  const url = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { url, stats: emptyStats, stop: async () => {} };
}

function emptyStats(): OtlpEndpointStats {
  return { requests: 0, bytes: 0, spans: 0, logRecords: 0, connections: 0 };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
