import { Router } from 'express';
import type { Subscriber } from '../run-feed.js';
import { principalOf } from './auth.js';
import { notFound } from './problem.js';
import type { RunLookup } from './run-lookup.js';
import { syncIdOf } from './run-lookup.js';

/** A subscriber that lets this much pile up unread is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1_048_576;
const KEEPALIVE_MS = 15_000;

/**
 * `GET /runs/:syncId/events`: server-sent events until the run ends (see `RunFeedHub`). The token
 * goes in the Authorization header like every other route (the dashboard reads the stream with
 * `fetch`, which can send it; `EventSource` cannot), so no token ever appears in a URL.
 */
export function runEventRoutes(o: { lookup: RunLookup; subscribe: (organization: string, syncId: string, s: Subscriber) => () => void }): Router {
  const router = Router();
  router.get('/runs/:syncId/events', async (req, res) => {
    const { organization } = principalOf(res);
    const syncId = syncIdOf(req.params);
    if (!(await o.lookup.viewOrUndefined(organization, syncId))) throw notFound(`no run ${syncId}`);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(keepalive);
      unsubscribe();
      res.end();
    };
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const unsubscribe = o.subscribe(organization, syncId, {
      send: (event) => {
        if (!open) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) close();
        else res.write(event);
      },
      end: () => setImmediate(close),
    });
    res.on('close', close);
  });
  return router;
}
