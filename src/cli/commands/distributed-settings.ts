import { UsageError } from '../../errors/sync-error.js';
import type { BullmqSettings } from '../../queue/bullmq-partition-queue.js';

/**
 * Where distributed mode's queues live: `SYNCSCOPE_REDIS_URL` (required), `SYNCSCOPE_QUEUE_PREFIX`
 * (key prefix, default `syncscope`), and for tests the stalled-job timings
 * `SYNCSCOPE_QUEUE_LOCK_MS` / `SYNCSCOPE_QUEUE_STALLED_MS` and `SYNCSCOPE_QUEUE_BACKOFF_MS`.
 */
export function queueSettingsFromEnv(env: NodeJS.ProcessEnv): BullmqSettings & { lockDurationMs?: number; stalledIntervalMs?: number } {
  const url = env.SYNCSCOPE_REDIS_URL;
  if (!url) throw new UsageError('distributed mode needs Redis: set SYNCSCOPE_REDIS_URL (e.g. redis://127.0.0.1:6379)');
  const ms = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    url,
    prefix: env.SYNCSCOPE_QUEUE_PREFIX || 'syncscope',
    lockDurationMs: ms('SYNCSCOPE_QUEUE_LOCK_MS'),
    stalledIntervalMs: ms('SYNCSCOPE_QUEUE_STALLED_MS'),
    backoffMs: ms('SYNCSCOPE_QUEUE_BACKOFF_MS'),
  };
}
