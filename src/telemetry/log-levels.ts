/**
 * Per-component log verbosity. An on-call engineer turns up one part (`api=debug`) without
 * drowning in the rest. Components are the middle word of the event name, grouped: `sync.api.*`
 * → `api`, `sync.db.*` → `db`, `sync.repo.*` / `sync.customer.*` → `partition`, ...
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_COMPONENTS = ['pipeline', 'partition', 'batch', 'api', 'db', 'record', 'report'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isLogComponent(value: string): value is LogComponent {
  return (LOG_COMPONENTS as readonly string[]).includes(value);
}

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

/**
 * Parses `api=debug,db=warn`. Throws a message naming the bad part, for the config layer to wrap.
 */
export function parseComponentLevels(spec: string): Partial<Record<LogComponent, LogLevel>> {
  const levels: Partial<Record<LogComponent, LogLevel>> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [component, level] = part.split('=').map((s) => s.trim());
    if (!component || !level || !isLogComponent(component) || !isLogLevel(level)) {
      throw new Error(
        `"${part}" is not component=level (components: ${LOG_COMPONENTS.join(', ')}; levels: ${LOG_LEVELS.join(', ')})`,
      );
    }
    levels[component] = level;
  }
  return levels;
}
