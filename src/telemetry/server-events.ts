import type winston from 'winston';
import { EVENTS, type CatalogEntry } from './event-catalog.js';
import type { EventFields } from './events.js';
import { componentOfEvent, type LogLevelPolicy } from './log-levels.js';
import { EVENT_NAME_KEY } from './logger.js';

/**
 * The catalog events of the service process itself (not of one run): the access log and the
 * server's lifecycle. Like `RunEvents`, each method is the one source of its event name; `sync_id`
 * is the run a request was about (or null), `pipeline` null. Filter with `SYNCSCOPE_LOG_LEVELS=server=warn`.
 */
export class ServerEvents {
  constructor(
    private readonly logger: winston.Logger,
    private readonly policy: LogLevelPolicy,
  ) {}

  request(f: EventFields & { request_id: string; sync_id?: string | null }) { this.emit(EVENTS.serverRequest, f); }
  error(f: EventFields & { request_id: string; error_message: string }) { this.emit(EVENTS.serverError, f); }
  listening(f: EventFields) { this.emit(EVENTS.serverListening, f); }
  stopping(f: EventFields) { this.emit(EVENTS.serverStopping, f); }

  private emit(entry: CatalogEntry, fields: EventFields): void {
    if (!this.policy.enabled(componentOfEvent(entry.name), entry.level)) return;
    this.logger.log({ sync_id: null, pipeline: null, ...fields, level: entry.level, message: entry.name, event: entry.name, [EVENT_NAME_KEY]: entry.name });
  }
}
