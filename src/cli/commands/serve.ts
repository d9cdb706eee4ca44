import type { Server } from 'node:http';
import { UsageError } from '../../errors/sync-error.js';
import { createApp } from '../../server/app.js';
import { withRuntime, type OutputOptions } from '../runtime-scope.js';
import { openStoreAt } from '../store-access.js';

export interface ServeOptions extends OutputOptions {
  port: string;
  host: string;
  store?: string;
}

/** `syncscope serve`: /metrics, /healthz and /readyz until SIGINT/SIGTERM. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not "${options.port}"`);
  const store = await openStoreAt(options.store);
  try {
    return await withRuntime(options, async (runtime) => {
      const app = createApp({ metrics: runtime.metrics, ready: async () => (await store.listRuns({ limit: 1 }), true) });
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(port, options.host, () => resolve(s));
      });
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      process.stdout.write(`syncscope serving http://${options.host}:${bound}/metrics\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return 0;
    });
  } finally {
    await store.close();
  }
}
