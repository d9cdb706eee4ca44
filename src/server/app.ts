import express, { type Express } from 'express';
import helmet from 'helmet';
import type { SyncMetrics } from '../telemetry/metrics.js';
import { scrapeMetrics } from '../telemetry/metrics-render.js';
import type { ServerEvents } from '../telemetry/server-events.js';
import { accessLog } from './access-log.js';
import { notFound, problemHandler } from './api/problem.js';
import { createApiRouter, type ApiOptions } from './api/router.js';
import type { RunFeedHub } from './run-feed.js';
import { dashboardAssets } from './dashboard-assets.js';

export interface AppOptions {
  metrics: SyncMetrics;
  /** Whether the process can do work (store reachable); `/readyz` answers 503 otherwise. */
  ready?: () => Promise<boolean>;
  /** The status API and the dashboard; without it only the three operator routes are served. */
  api?: ApiOptions;
  /** Access log and internal errors (required with `api`). */
  events?: ServerEvents;
}

export type SyncscopeApp = Express & { hub?: RunFeedHub };

/**
 * The HTTP face of a Syncscope process: `/metrics` (OpenMetrics with exemplars when the scraper
 * asks for it, as Prometheus does with exemplar storage on; Prometheus text otherwise),
 * `/healthz` (the process is alive) and `/readyz` (it can do work); with `api`, the status API
 * under /api/v1 and the dashboard at `/`.
 */
export function createApp(options: AppOptions): SyncscopeApp {
  const app: SyncscopeApp = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // helmet's defaults, except `upgrade-insecure-requests`: served over plain HTTP on a LAN address
  // (TLS is usually a proxy's job), it would send the dashboard's own scripts to https and break it.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (options.events) app.use(accessLog(options.events));

  app.get('/metrics', async (req, res) => {
    const { contentType, body } = await scrapeMetrics(options.metrics, req.get('accept'));
    res.type(contentType).send(body);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const ready = options.ready ? await options.ready().catch(() => false) : true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready' });
  });

  if (options.api) {
    const { router, hub } = createApiRouter(options.api);
    app.use('/api/v1', router);
    app.use(dashboardAssets());
    app.hub = hub;
  }
  const events = options.events;
  app.use((req, _res, next) => next(notFound(`nothing at ${req.method} ${req.path}`)));
  app.use(problemHandler((error, requestId) => {
    events?.error({ request_id: requestId, error_message: error instanceof Error ? error.message : String(error) });
  }));
  return app;
}
