import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/sync-error.js';
import { parseDuration, parseOlderThan, parseSince } from '../../src/cli/time-args.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

describe('time arguments', () => {
  it('parse durations in minutes, hours, days and weeks', () => {
    expect(['30m', '24h', '7d', '2w', '7x', 'd7', ''].map(parseDuration)).toEqual([1_800_000, 86_400_000, 604_800_000, 1_209_600_000, undefined, undefined, undefined]);
  });

  it('--since takes a duration back from now or a date', () => {
    expect(parseSince('24h', NOW)).toBe('2026-11-22T12:00:00.000Z');
    expect(parseSince('2026-11-01', NOW)).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('yesterday', NOW)).toThrow(UsageError);
  });

  it('--older-than takes only a positive duration, so a typo cannot prune everything', () => {
    expect(parseOlderThan('30d', NOW)).toBe('2026-10-24T12:00:00.000Z');
    expect(() => parseOlderThan('2026-11-23', NOW)).toThrow(UsageError);
    expect(() => parseOlderThan('0d', NOW)).toThrow(/positive duration/);
  });
});
