/**
 * The log settings a user can give (`SYNCSCOPE_LOG_LEVEL`, `SYNCSCOPE_LOG_LEVELS=api=debug,db=warn`):
 * levels and components are defined here, where the settings are parsed, and the telemetry layer
 * applies them. Components are the middle word of an event name, grouped: `sync.api.*` → `api`,
 * `sync.db.*` → `db`, `sync.repo.*` / `sync.customer.*` → `partition`, ...
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_COMPONENTS = ['pipeline', 'partition', 'batch', 'api', 'db', 'record', 'report', 'server'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isLogComponent(value: string): value is LogComponent {
  return (LOG_COMPONENTS as readonly string[]).includes(value);
}

/**
 * Parses `api=debug,db=warn`. Throws a message naming the bad part, for the caller to wrap.
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
