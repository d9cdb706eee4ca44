import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ServerEvents } from '../telemetry/server-events.js';
import type { Principal } from './api/auth.js';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an ID (the client's `X-Request-Id` if it is a plain token, else a UUID),
 * echoes it in the response, and writes one access-log event (serverRequest) when the response is done:
 * the route template (never the raw path with IDs), status, duration, and the bearer's organization
 * and token ID. The Authorization header is never read here.
 */
export function accessLog(events: ServerEvents): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const offered = req.get('x-request-id');
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.locals['requestId'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => log());
    res.on('close', () => log());
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      const principal = res.locals['principal'] as Principal | undefined;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith('/api/') ? 'unmatched' : 'static';
      const syncId = typeof req.params?.['syncId'] === 'string' ? req.params['syncId'] : null;
      events.request({
        request_id: requestId,
        method: req.method,
        route,
        status_code: res.statusCode,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        organization: principal?.organization ?? null,
        token_id: principal?.tokenId ?? null,
        sync_id: syncId,
        aborted: !res.writableFinished,
      });
    };
    next();
  };
}
