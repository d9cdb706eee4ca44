import { Router, type Request } from 'express';
import { z } from 'zod';
import { RUN_STATUSES, type RunRow, type RunStore } from '../../ports/run-store.js';
import { progressOf } from '../../reports/run-progress.js';
import { runStatusMark } from '../../reports/status-marks.js';
import { principalOf, requireRole } from './auth.js';
import { decodeKeyCursor, decodeRunCursor, encodeKeyCursor, encodeRunCursor } from './cursor.js';
import type { RunLauncher } from './launcher.js';
import { HttpProblem, PROBLEM } from './problem.js';
import { RunLookup, syncIdOf } from './run-lookup.js';
import { parseRequest } from './validate.js';
import type { JobQueue } from '../../ports/job-queue.js';
import { jobView, runUrls } from './views.js';

const DURATION = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const listQuery = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    pipeline: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a pipeline name').optional(),
    since: z.string().refine((v) => DURATION.test(v) || !Number.isNaN(Date.parse(v)), 'an ISO date or a duration such as 24h, 7d').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
  })
  .strict();

const errorsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(2048).optional() }).strict();

const startBody = z
  .object({
    pipeline: z.string().min(1).max(100),
    execute: z.boolean().default(false),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export interface RunRoutesOptions {
  store: RunStore;
  lookup: RunLookup;
  launcher: RunLauncher;
  queue: JobQueue;
  now: () => number;
}

/** `/runs` and `/runs/:syncId/...` except the event stream (run-events.ts). */
export function runRoutes(o: RunRoutesOptions): Router {
  const router = Router();

  router.get('/runs', async (req, res) => {
    const { organization } = principalOf(res);
    const q = parseRequest('query', listQuery, req.query);
    const since = q.since === undefined ? undefined : sinceOf(q.since, o.now());
    const runs = await o.store.listRuns({
      organization,
      limit: q.limit,
      ...(q.status ? { status: q.status } : {}),
      ...(q.pipeline ? { pipeline: q.pipeline } : {}),
      ...(since ? { since } : {}),
      ...(q.cursor ? { after: decodeRunCursor(q.cursor) } : {}),
    });
    const last = runs.at(-1);
    const next = runs.length === q.limit && last ? encodeRunCursor(last) : null;
    res.json({
      runs: await Promise.all(runs.map((run) => listItem(o.store, run))),
      next_cursor: next,
      next: next ? nextUrl(req, next) : null,
    });
  });

  router.get('/runs/:syncId', async (req, res) => {
    const { organization } = principalOf(res);
    const syncId = syncIdOf(req.params);
    res.type('application/json').send((await o.lookup.view(organization, syncId)).json);
  });

  router.get('/runs/:syncId/partitions', async (req, res) => {
    const { organization } = principalOf(res);
    const syncId = syncIdOf(req.params);
    await o.lookup.run(organization, syncId);
    const [partitions, counts] = await Promise.all([o.store.listPartitions(syncId), o.store.countRecordStates(syncId)]);
    const { progress, partitions: views } = progressOf(partitions, counts);
    res.json({ sync_id: syncId, progress, partitions: views });
  });

  router.get('/runs/:syncId/errors', async (req, res) => {
    const { organization } = principalOf(res);
    const syncId = syncIdOf(req.params);
    const q = parseRequest('query', errorsQuery, req.query);
    await o.lookup.run(organization, syncId);
    const rows = await o.store.listRecordStates(syncId, { status: 'failed', limit: q.limit, ...(q.cursor ? { afterKey: decodeKeyCursor(q.cursor) } : {}) });
    const last = rows.at(-1);
    const next = rows.length === q.limit && last ? encodeKeyCursor(last.recordKey) : null;
    res.json({
      sync_id: syncId,
      by_category: (await o.store.failuresByCategory(syncId)).map((c) => ({ category: c.category, records: c.count })),
      errors: rows.map((r) => ({
        record_key: r.recordKey,
        partition_key: r.partitionKey,
        entity: r.entity,
        category: r.errorCategory,
        message: r.errorMessage,
        request_id: r.requestId,
        updated_at: r.updatedAt,
      })),
      next_cursor: next,
      next: next ? nextUrl(req, next) : null,
    });
  });

  router.post('/runs', requireRole('operate'), async (req, res) => {
    const principal = principalOf(res);
    const body = parseRequest('body', startBody, req.body);
    const job = await o.launcher.start(principal.organization, body, `token:${principal.tokenId}`);
    res.status(202).location(runUrls(job.syncId).self).json({ ...jobView(job, null), urls: runUrls(job.syncId) });
  });

  router.post('/runs/:syncId/cancel', requireRole('operate'), async (req, res) => {
    const principal = principalOf(res);
    const syncId = syncIdOf(req.params);
    const job = await o.queue.findBySyncId(principal.organization, syncId);
    if (job?.state === 'waiting' && (await o.queue.cancelWaiting(principal.organization, job.jobId))) {
      res.status(202).json({ sync_id: syncId, status: 'cancelled', cancel_requested_at: new Date(o.now()).toISOString(), urls: runUrls(syncId) });
      return;
    }
    await o.lookup.run(principal.organization, syncId);
    const outcome = await o.store.requestCancel(syncId, { requestedAt: new Date(o.now()).toISOString(), requestedBy: `token:${principal.tokenId}` });
    o.lookup.changed(principal.organization, syncId);
    if (outcome.result === 'not_found') throw new HttpProblem(404, 'Not Found', `no run ${syncId}`);
    if (outcome.result === 'not_running') {
      throw new HttpProblem(409, 'Run is not running', `run ${syncId} is ${outcome.status}; only a running run can be cancelled`, PROBLEM.notRunning, { run_status: outcome.status });
    }
    res.status(202).json({ sync_id: syncId, status: 'running', cancel_requested_at: outcome.request.requestedAt, already_requested: outcome.result === 'already_requested', urls: runUrls(syncId) });
  });

  router.post('/runs/:syncId/resume', requireRole('operate'), async (req, res) => {
    const principal = principalOf(res);
    const syncId = syncIdOf(req.params);
    await o.lookup.run(principal.organization, syncId);
    const job = await o.launcher.resume(principal.organization, syncId, `token:${principal.tokenId}`);
    o.lookup.changed(principal.organization, syncId);
    res.status(202).json({ ...jobView(job, null), urls: runUrls(syncId) });
  });

  return router;
}

/** A run in a list; a running run's counts are read live (its row is only updated at the end). */
async function listItem(store: RunStore, run: RunRow) {
  let records = run.records;
  let percent = run.status === 'running' ? 0 : 100;
  let segments = { synced: records.synced, skipped: records.skipped, failed: records.failed, in_progress: 0, pending: records.pending };
  if (run.status === 'running') {
    const [partitions, counts] = await Promise.all([store.listPartitions(run.syncId), store.countRecordStates(run.syncId)]);
    records = counts;
    const { progress } = progressOf(partitions, counts);
    percent = progress.percent;
    segments = progress.basis === 'records' ? progress.segments : { ...segments, synced: counts.synced, skipped: counts.skipped, failed: counts.failed, pending: 1 };
  } else if (run.partitions.total > 0 && run.status !== 'succeeded') {
    percent = Math.round(((run.partitions.succeeded + run.partitions.failed) / run.partitions.total) * 1000) / 10;
  }
  return {
    sync_id: run.syncId,
    pipeline: run.pipeline,
    organization: run.organization,
    status: run.status,
    status_mark: runStatusMark(run.status),
    dry_run: run.options['execute'] === false,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    duration_ms: run.durationMs === null ? null : Math.round(run.durationMs),
    records,
    partitions: run.partitions,
    percent,
    segments,
    trace_id: run.traceId,
    cancel_requested_at: run.cancelRequest?.requestedAt ?? null,
    error_category: run.errorCategory,
    url: runUrls(run.syncId).self,
  };
}

function sinceOf(value: string, now: number): string {
  const match = DURATION.exec(value);
  if (!match) return new Date(value).toISOString();
  return new Date(now - Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]).toISOString();
}

function nextUrl(req: Request, cursor: string): string {
  const url = new URL(req.originalUrl, 'http://local');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}
