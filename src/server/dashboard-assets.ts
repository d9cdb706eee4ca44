import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/**
 * The dashboard's files (plain HTML, CSS and ES modules: no build step, nothing fetched from the
 * internet), next to this module in the package: `src/server/dashboard/` when run from the
 * sources, `dist/server/dashboard/` once built (`npm run build` copies them).
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

export function dashboardAssets(): RequestHandler {
  if (!existsSync(DASHBOARD_DIR)) {
    return (_req, _res, next) => next();
  }
  return express.static(DASHBOARD_DIR, {
    index: 'index.html',
    fallthrough: true,
    setHeaders: (res, path) => {
      // The page itself is always revalidated, so an upgrade shows at once; modules may be cached briefly.
      res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=60');
    },
  });
}
