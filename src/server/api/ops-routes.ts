import { Router } from 'express';
import { z } from 'zod';
import type { JobQueue } from '../../ports/job-queue.js';
import type { RunStore } from '../../ports/run-store.js';
import { principalOf } from './auth.js';
import type { RunLauncher } from './launcher.js';
import { notFound } from './problem.js';
import { parseRequest } from './validate.js';
import { jobView, runUrls } from './views.js';

const jobParams = z.object({ jobId: z.uuid('expected a job ID (a UUID)') });
const noQuery = z.object({}).strict();

/** `/pipelines`, `/queue/stats`, `/jobs/:jobId`: what the service can run and what it is running. */
export function opsRoutes(o: { store: RunStore; launcher: RunLauncher; queue: JobQueue }): Router {
  const router = Router();

  /** Who the token is: the dashboard shows the organization and offers start/cancel only to `operate`. */
  router.get('/me', (req, res) => {
    parseRequest('query', noQuery, req.query);
    const { tokenId, organization, role } = principalOf(res);
    res.json({ token_id: tokenId, organization, role });
  });

  router.get('/pipelines', async (req, res) => {
    parseRequest('query', noQuery, req.query);
    const { organization } = principalOf(res);
    const pipelines = o.launcher.pipelines(organization);
    const withLast = await Promise.all(pipelines.map(async (p) => {
      const [last] = await o.store.listRuns({ organization, pipeline: p.name, limit: 1 });
      return { ...p, last_run: last ? { sync_id: last.syncId, status: last.status, started_at: last.startedAt, url: runUrls(last.syncId).self } : null };
    }));
    res.json({ organization, pipelines: withLast });
  });

  router.get('/queue/stats', async (req, res) => {
    parseRequest('query', noQuery, req.query);
    const { organization } = principalOf(res);
    res.json({ organization, ...(await o.queue.stats(organization)) });
  });

  router.get('/jobs/:jobId', async (req, res) => {
    const { organization } = principalOf(res);
    const { jobId } = parseRequest('params', jobParams, req.params);
    const job = await o.queue.getJob(organization, jobId);
    if (!job) throw notFound(`no job ${jobId}`);
    const run = (await o.store.getRun(job.syncId)) ?? null;
    res.json({ ...jobView(job, run && run.organization === organization ? run : null), urls: runUrls(job.syncId) });
  });

  return router;
}
