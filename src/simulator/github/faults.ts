import { sequence } from './rng.js';
import { FAULT_KINDS, TRANSIENT_FAULT_KINDS, type FaultKind, type FaultOptions } from './types.js';

/** What to do instead of (or before) answering one request. */
export type Fault =
  | { kind: 'server_error'; status: 500 | 502 }
  | { kind: 'secondary_limit'; status: 403 | 429; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'connection_reset' }
  | { kind: 'truncated_json' }
  | { kind: 'unauthorized' }
  | { kind: 'html_200' }
  | { kind: 'html_502' }
  | { kind: 'cut_stream' }
  | { kind: 'primary_limit_429' };

const DEFAULT_SLOW_MS = 30_000;
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Seeded fault decisions. Every counted request draws exactly two numbers from the stream, faulted
 * or not, so request i's fate depends only on the seed, i and the settings in force: a run is
 * reproducible, and turning faults on later does not shift what follows.
 */
export class FaultInjector {
  private readonly random: () => number;
  private settings: Required<FaultOptions> | undefined;
  /** Faults made under the current settings (for `count`). */
  private made = 0;
  /** GitHub answers both ways, so alternate to make sure clients handle each. */
  private serverErrors = 0;
  private secondaryLimits = 0;

  constructor(seed: number, faults: FaultOptions | undefined) {
    this.random = sequence(seed ^ 0x5eed_fa17);
    this.set(faults);
  }

  set(faults: FaultOptions | undefined): void {
    this.settings = faults === undefined ? undefined : fill(faults);
    this.made = 0;
  }

  decide(routeKey: string): Fault | undefined {
    const roll = this.random();
    const choice = this.random();
    const settings = this.settings;
    if (!settings || roll >= settings.rate) return undefined;
    if (settings.routes.length > 0 && !settings.routes.includes(routeKey)) return undefined;
    if (this.made >= settings.count) return undefined;
    this.made += 1;
    const kind = settings.kinds[Math.floor(choice * settings.kinds.length)] ?? 'server_error';
    return this.make(kind, settings);
  }

  private make(kind: FaultKind, settings: Required<FaultOptions>): Fault {
    switch (kind) {
      case 'server_error':
        return { kind, status: this.serverErrors++ % 2 === 0 ? 502 : 500 };
      case 'secondary_limit':
        return { kind, status: this.secondaryLimits++ % 2 === 0 ? 429 : 403, retryAfterSeconds: settings.retryAfterSeconds };
      case 'slow':
        return { kind, delayMs: settings.slowMs };
      case 'connection_reset':
      case 'truncated_json':
      case 'unauthorized':
      case 'html_200':
      case 'html_502':
      case 'cut_stream':
      case 'primary_limit_429':
        return { kind };
    }
  }
}

function fill(faults: FaultOptions): Required<FaultOptions> {
  const kinds = faults.kinds ?? [...TRANSIENT_FAULT_KINDS];
  if (!(faults.rate >= 0 && faults.rate <= 1)) throw new RangeError(`faults.rate must be within 0..1, got ${faults.rate}`);
  if (kinds.length === 0) throw new RangeError('faults.kinds must not be empty');
  if (faults.count !== undefined && !(Number.isInteger(faults.count) && faults.count >= 0)) throw new RangeError(`faults.count must be a non-negative integer, got ${faults.count}`);
  for (const kind of kinds) {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind: ${String(kind)}`);
  }
  return {
    rate: faults.rate,
    kinds: [...kinds],
    slowMs: faults.slowMs ?? DEFAULT_SLOW_MS,
    retryAfterSeconds: faults.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    routes: faults.routes ?? [],
    count: faults.count ?? Number.POSITIVE_INFINITY,
  };
}
