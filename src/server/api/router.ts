import express, { Router } from 'express';
import type { ApiTokenConfig } from '../../config/service-schema.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { RunStore } from '../../ports/run-store.js';
import type { DigestOptions } from '../../reports/run-digest.js';
import { RunFeedHub } from '../run-feed.js';
import { authenticate, TokenVerifier } from './auth.js';
import type { RunLauncher } from './launcher.js';
import { opsRoutes } from './ops-routes.js';
import { notFound } from './problem.js';
import { runEventRoutes } from './run-events.js';
import { RunLookup } from './run-lookup.js';
import { runRoutes } from './runs-routes.js';

export interface ApiOptions {
  store: RunStore;
  tokens: ApiTokenConfig[];
  launcher: RunLauncher;
  queue: JobQueue;
  /** How often a watched run is read for its event stream. */
  pollMs: number;
  bodyLimitBytes: number;
  /** Grafana links and redaction for run views. */
  digest: DigestOptions;
  now?: () => number;
  onFeedLoadFailed?: (syncId: string, error: unknown) => void;
}

/** The status API under /api/v1: authenticated, organization-scoped, JSON in and out. */
export function createApiRouter(options: ApiOptions): { router: Router; hub: RunFeedHub } {
  const now = options.now ?? Date.now;
  const lookup = new RunLookup(options.store, options.queue, options.digest, options.pollMs);
  // A feed is keyed by organization and sync ID, and reads through the same scoped lookup as
  // every route: a stream can never carry another organization's run.
  const hub = new RunFeedHub({
    pollMs: options.pollMs,
    load: (key) => {
      const { organization, syncId } = parseFeedKey(key);
      return lookup.freshView(organization, syncId);
    },
    onLoadFailed: (key, error) => options.onFeedLoadFailed?.(parseFeedKey(key).syncId, error),
  });

  const router = Router();
  router.use(authenticate(new TokenVerifier(options.tokens)));
  router.use(express.json({ limit: options.bodyLimitBytes }));
  router.use(runEventRoutes({ lookup, subscribe: (organization, syncId, subscriber) => hub.subscribe(feedKey(organization, syncId), subscriber) }));
  router.use(runRoutes({ store: options.store, lookup, launcher: options.launcher, queue: options.queue, now }));
  router.use(opsRoutes({ store: options.store, launcher: options.launcher, queue: options.queue }));
  router.use((req, _res, next) => next(notFound(`no API route ${req.method} ${req.baseUrl}${req.path}`)));
  return { router, hub };
}

function feedKey(organization: string, syncId: string): string {
  return JSON.stringify([organization, syncId]);
}

function parseFeedKey(key: string): { organization: string; syncId: string } {
  const [organization, syncId] = JSON.parse(key) as [string, string];
  return { organization, syncId };
}
