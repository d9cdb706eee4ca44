import type { Server } from 'node:http';
import { loadServiceConfig } from '../../config/load-service-config.js';
import { SyncError, UsageError } from '../../errors/sync-error.js';
import type { RunStore } from '../../ports/run-store.js';
import { createApp } from '../../server/app.js';
import { SyncService } from '../../wiring/sync-service.js';
import { startDemoService, type DemoService } from './demo-service.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { openStoreAt, openStoreFor } from '../store-access.js';

export interface ServeOptions extends OutputOptions {
  /** Service config (organizations, declared pipelines, tokens); defaults without it. */
  config?: string;
  port?: string;
  host?: string;
  store?: string;
  /** Also serve the bundled GitHub simulator as a declared pipeline, with a printed one-time token. */
  demo?: boolean;
}

/**
 * `syncscope serve`: the sync service. Runs declared pipelines on request (the API or the
 * dashboard), serves the status API under /api/v1, the dashboard at `/`, and /metrics, /healthz,
 * /readyz, until SIGINT/SIGTERM; then active runs finish their batches and end `interrupted`.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const loaded = await loadServiceConfig(options.config);
  const port = options.port === undefined ? loaded.config.listen.port : parsePort(options.port);
  const host = options.host ?? loaded.config.listen.host;
  const store = options.store ? await openStoreAt(options.store) : await openStoreFor(loaded.config.store);
  let demo: DemoService | undefined;
  try {
    if (options.demo) {
      if (!loaded.config.organizations.some((o) => o.id === 'default')) throw new UsageError('--demo needs the organization "default" in the service config');
      if (loaded.pipelines.some((p) => p.name === 'github-demo')) throw new UsageError('--demo declares the pipeline "github-demo": the service config already has one');
      demo = await startDemoService('./data', './reports');
      loaded.pipelines.push(demo.pipeline);
      loaded.tokens.push(demo.tokenConfig);
    }
    return await withRuntime(options, async (runtime) => {
      const service = new SyncService({
        runtime,
        store,
        pipelines: loaded.pipelines,
        concurrency: loaded.config.runs.concurrency,
        maxWaiting: loaded.config.runs.max_waiting,
        ...(demo ? { env: { ...process.env, ...demo.env } } : {}),
      });
      const events = runtime.serverEvents();
      const app = createApp({
        metrics: runtime.metrics,
        ready: () => ready(store),
        events,
        api: {
          store,
          tokens: loaded.tokens,
          launcher: service,
          queue: service.queue,
          pollMs: loaded.config.api.poll_ms,
          bodyLimitBytes: loaded.config.api.body_limit_bytes,
          digest: { grafanaUrl: runtime.options.env.grafanaUrl, serviceName: runtime.options.env.serviceName },
        },
      });
      const server = await listen(app, host, port);
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort(server, port)}`;
      events.listening({ url, pipelines: loaded.pipelines.length, tokens: loaded.tokens.length, concurrency: loaded.config.runs.concurrency });
      process.stdout.write(`syncscope serving ${url}/ (dashboard), ${url}/api/v1 (API), ${url}/metrics\n`);
      if (demo) process.stdout.write(`demo: sign in with ${demo.token} (organization default, role operate), then start the github-demo pipeline\n`);
      if (loaded.tokens.length === 0 && !demo) {
        process.stderr.write(`syncscope: no API tokens in ${loaded.origin} or ${loaded.config.tokens_env}: every /api/v1 request gets 401 (create one with \`syncscope token new\`)\n`);
      }
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      events.stopping({ signal, shutdown_timeout_ms: loaded.config.api.shutdown_timeout_ms });
      // Stop taking connections and runs; end event streams; let active runs finish their batches.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      app.hub?.close();
      await withTimeout(service.close(), loaded.config.api.shutdown_timeout_ms);
      server.closeAllConnections();
      await closed;
      return 0;
    }, { progressBar: false });
  } finally {
    await demo?.close();
    await store.close();
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not "${text}"`);
  return port;
}

/** Resolves once bound; a failed bind (port taken, address not local) rejects naming host and port. */
function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.code === 'EADDRNOTAVAIL' ? 'the address is not available on this machine' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new SyncError('NETWORK_ERROR', `cannot listen on ${host}:${port}: ${reason} (${error.code ?? 'error'})`, { cause: error }));
    });
  });
}

function boundPort(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

async function ready(store: RunStore): Promise<boolean> {
  await store.listRuns({ limit: 1 });
  return true;
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
