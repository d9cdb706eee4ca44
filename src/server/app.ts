import express, { type Express } from 'express';
import type { SyncMetrics } from '../telemetry/metrics.js';
import { scrapeMetrics } from '../telemetry/metrics-render.js';

export interface AppOptions {
  metrics: SyncMetrics;
  /** Whether the process can do work (store reachable); `/readyz` answers 503 otherwise. */
  ready?: () => Promise<boolean>;
}

/**
 * The HTTP face of a Syncscope process: `/metrics` (OpenMetrics with exemplars when the scraper
 * asks for it, as Prometheus does with exemplar storage on; Prometheus text otherwise),
 * `/healthz` (the process is alive) and `/readyz` (it can do work).
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

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

  return app;
}
