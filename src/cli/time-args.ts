import { UsageError } from '../errors/sync-error.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** A duration like `30m`, `24h`, `7d` or `2w` in milliseconds; undefined if `value` is not one. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)([mhdw])$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** `--since` takes an ISO date or a duration back from now (`30m`, `24h`, `7d`). */
export function parseSince(value: string, now = Date.now()): string {
  const ms = parseDuration(value);
  if (ms !== undefined) return new Date(now - ms).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since "${value}" is neither a date nor a duration like 24h or 7d`);
  return date.toISOString();
}

/** `--older-than 30d`: the cutoff instant, as ISO. Only durations: a typo must not delete everything. */
export function parseOlderThan(value: string, now = Date.now()): string {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`--older-than "${value}" must be a positive duration like 30d, 12h or 2w`);
  return new Date(now - ms).toISOString();
}
