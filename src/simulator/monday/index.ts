/**
 * A local, contract-faithful stand-in for Monday.com's GraphQL API (`POST /v2`): real GraphQL
 * parsing and execution (aliases, variables, fragments, several mutations per request), the
 * complexity budget and per-minute limits as sliding windows, Monday's error shapes, the
 * `Idempotency-Key` cache, seeded latency and faults, and counters a test can read. It stands for
 * the outside world, so it shares no code with the Monday connector.
 */
import { Account } from './account.js';
import { MondayFaults } from './faults.js';
import { Gateway } from './gateway.js';
import { IdempotencyCache } from './idempotency.js';
import { DailyCounter, SlidingWindow } from './limits.js';
import { seededRandom } from './rng.js';
import { mondaySchema } from './schema.js';
import { MondayFront } from './server.js';
import { SimStats } from './stats.js';
import type { MondayFaultOptions, MondayLimits, MondaySimulator, MondaySimulatorOptions } from './types.js';

export type * from './types.js';
export { MONDAY_FAULT_KINDS, MONDAY_TRANSIENT_FAULTS } from './types.js';
export { MUTATION_COST } from './complexity.js';

/** Monday's documented limits for a personal token on a Pro account. */
export const DEFAULT_LIMITS: MondayLimits = {
  complexityPerMinute: 10_000_000,
  maxComplexityPerQuery: 5_000_000,
  requestsPerMinute: 2_500,
  maxConcurrent: 100,
  dailyCalls: undefined,
  itemsPerBoard: 10_000,
};

const MINUTE_MS = 60_000;
const IDEMPOTENCY_TTL_MS = 30 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

export async function startMondaySimulator(options: MondaySimulatorOptions): Promise<MondaySimulator> {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = () => Date.now();
  const account = new Account(options.boards, limits.itemsPerBoard, now);
  const complexity = new SlidingWindow(limits.complexityPerMinute, MINUTE_MS / timeScale);
  const stats = new SimStats();
  const faults = new MondayFaults(options.seed ?? 7, options.faults);
  const gateway = new Gateway({
    account,
    schema: mondaySchema(),
    token: options.token,
    requireApiVersion: options.requireApiVersion ?? true,
    complexity,
    requests: new SlidingWindow(limits.requestsPerMinute, MINUTE_MS / timeScale),
    daily: new DailyCounter(limits.dailyCalls, DAY_MS / timeScale),
    maxConcurrent: limits.maxConcurrent,
    maxComplexityPerQuery: limits.maxComplexityPerQuery,
    idempotency: new IdempotencyCache(IDEMPOTENCY_TTL_MS / timeScale),
    faults,
    stats,
    timeScale,
    now,
  });
  const jitter = seededRandom((options.seed ?? 7) ^ 0x1a7e);
  const front = new MondayFront({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    gateway,
    delayMs: (plan) =>
      (options.latencyMs ?? 0) + jitter() * (options.latencyJitterMs ?? 0) + plan.mutations * (options.latencyPerMutationMs ?? 0) + plan.extraDelayMs,
  });
  const url = await front.listen();
  return {
    url,
    stats: () => stats.snapshot(account, complexity),
    board: (id: string) => account.snapshot(id),
    setFaults: (next: MondayFaultOptions | undefined) => faults.set(next),
    close: () => front.close(),
  };
}
