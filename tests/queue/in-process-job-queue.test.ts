import { describe, expect, it } from 'vitest';
import type { JobInfo, JobRequest } from '../../src/ports/job-queue.js';
import type { RunStatus } from '../../src/ports/run-store.js';
import { InProcessJobQueue } from '../../src/queue/in-process-job-queue.js';

const request = (organization: string, n: number): JobRequest => ({
  organization, pipeline: 'p', syncId: `20261123140${n}-SYNC-0000000${n}`, execute: false, options: {}, requestedBy: 'token:t',
});

/** A processor whose jobs end when the test says so (or when their signal aborts: `interrupted`). */
function controllable() {
  const running = new Map<string, (status: RunStatus) => void>();
  const processor = (job: JobInfo, signal: AbortSignal) => new Promise<RunStatus>((resolve) => {
    running.set(job.syncId, resolve);
    signal.addEventListener('abort', () => resolve('interrupted'));
  });
  return { processor, running };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('InProcessJobQueue', () => {
  it('runs at most `concurrency` jobs at once and starts the next as one ends', async () => {
    const { processor, running } = controllable();
    const queue = new InProcessJobQueue({ concurrency: 2, processor });
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.enqueue(request('acme', n))));
    expect(jobs.map((j) => j.state)).toEqual(['active', 'active', 'waiting']);
    expect(await queue.stats('acme')).toMatchObject({ active: 2, waiting: 1, completed: 0, concurrency: 2 });
    running.get(jobs[0]!.syncId)!('partial');
    await tick();
    expect((await queue.getJob('acme', jobs[0]!.jobId))).toMatchObject({ state: 'completed', runStatus: 'partial' });
    expect((await queue.getJob('acme', jobs[2]!.jobId))?.state).toBe('active');
  });

  it('answers about an organization\'s jobs only', async () => {
    const { processor } = controllable();
    const queue = new InProcessJobQueue({ concurrency: 1, processor });
    const acme = await queue.enqueue(request('acme', 1));
    await queue.enqueue(request('globex', 2));
    expect(await queue.getJob('globex', acme.jobId)).toBeUndefined();
    expect(await queue.findBySyncId('globex', acme.syncId)).toBeUndefined();
    expect(await queue.cancelWaiting('acme', acme.jobId)).toBe(false);
    expect(await queue.stats('globex')).toMatchObject({ active: 0, waiting: 1 });
    expect(await queue.stats('acme')).toMatchObject({ active: 1, waiting: 0 });
  });

  it('cancels a waiting job, refuses more than maxWaiting, and on close aborts active jobs and drops waiting ones', async () => {
    const { processor } = controllable();
    const queue = new InProcessJobQueue({ concurrency: 1, maxWaiting: 2, processor });
    const active = await queue.enqueue(request('acme', 1));
    const waiting = await queue.enqueue(request('acme', 2));
    await queue.enqueue(request('acme', 3));
    await expect(queue.enqueue(request('acme', 4))).rejects.toMatchObject({ category: 'RATE_LIMITED' });
    expect(await queue.cancelWaiting('acme', waiting.jobId)).toBe(true);
    expect((await queue.getJob('acme', waiting.jobId))?.state).toBe('cancelled');
    await queue.close();
    expect((await queue.getJob('acme', active.jobId))).toMatchObject({ state: 'completed', runStatus: 'interrupted' });
    expect(await queue.stats('acme')).toMatchObject({ active: 0, waiting: 0, completed: 1, cancelled: 2 });
    await expect(queue.enqueue(request('acme', 5))).rejects.toMatchObject({ category: 'SERVER_ERROR' });
  });

  it('records a job whose run could not start as failed, with the reason', async () => {
    const queue = new InProcessJobQueue({ concurrency: 1, processor: async () => { throw new Error('no declared pipeline "p"'); } });
    const job = await queue.enqueue(request('acme', 1));
    await tick();
    expect(await queue.getJob('acme', job.jobId)).toMatchObject({ state: 'failed', error: 'no declared pipeline "p"', runStatus: null });
  });
});
