import { isLogComponent, type LogComponent, type LogLevel } from '../config/log-settings.js';

export type { LogComponent, LogLevel } from '../config/log-settings.js';

/**
 * Per-component log verbosity: an on-call engineer turns up one part (`api=debug`) without
 * drowning in the rest. Levels and components are defined in `config/log-settings.ts`.
 */
const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The scope word of an event name (`repo`, `customer` → `partition`); unknown → `pipeline`. */
export function componentOfEvent(event: string): LogComponent {
  const scope = event.split('.')[1] ?? '';
  if (scope === 'repo' || scope === 'customer') return 'partition';
  return isLogComponent(scope) ? scope : 'pipeline';
}

export class LogLevelPolicy {
  constructor(
    readonly globalLevel: LogLevel,
    readonly componentLevels: Partial<Record<LogComponent, LogLevel>> = {},
  ) {}

  /** Whether an event at `level` from `component` is written. */
  enabled(component: LogComponent, level: LogLevel): boolean {
    const threshold = this.componentLevels[component] ?? this.globalLevel;
    return SEVERITY[level] <= SEVERITY[threshold];
  }

  /** The most verbose level any component has, i.e. the level the transports must let through. */
  mostVerbose(): LogLevel {
    const all = [this.globalLevel, ...Object.values(this.componentLevels)];
    return all.reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a), 'error');
  }
}
