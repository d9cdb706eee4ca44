import type winston from 'winston';
import { EVENTS, type CatalogEntry } from './event-catalog.js';
import type { EventFields } from './events.js';
import { componentOfEvent, type LogLevelPolicy } from './log-levels.js';
import { EVENT_NAME_KEY } from './logger.js';

/**
 * The catalog events of a `syncscope worker` process and of its queue jobs (not of one run's
 * sync: those are `RunEvents`, which carry `worker_id` too). Each method is its event's one source.
 */
export class WorkerEvents {
  constructor(
    private readonly logger: winston.Logger,
    private readonly policy: LogLevelPolicy,
    private readonly workerId: string,
  ) {}

  started(f: EventFields) { this.emit(EVENTS.workerStarted, f); }
  stopping(f: EventFields = {}) { this.emit(EVENTS.workerStopping, f); }
  stopped(f: EventFields = {}) { this.emit(EVENTS.workerStopped, f); }
  budgetUnavailable(f: EventFields & { error_message: string }) { this.emit(EVENTS.workerBudgetUnavailable, f); }
  lockLost(f: EventFields & { lock_key: string }) { this.emit(EVENTS.workerLockLost, f); }
  jobRetrying(f: EventFields) { this.emit(EVENTS.jobRetrying, f); }
  jobFailed(f: EventFields) { this.emit(EVENTS.jobFailed, f); }
  jobStalled(f: EventFields) { this.emit(EVENTS.jobStalled, f); }

  private emit(entry: CatalogEntry, fields: EventFields): void {
    if (!this.policy.enabled(componentOfEvent(entry.name), entry.level)) return;
    this.logger.log({ sync_id: null, pipeline: null, ...fields, worker_id: this.workerId, level: entry.level, message: entry.name, event: entry.name, [EVENT_NAME_KEY]: entry.name });
  }
}
