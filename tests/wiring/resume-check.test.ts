import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/sync-error.js';
import type { RunRow } from '../../src/ports/run-store.js';
import { parsePipelineConfig } from '../../src/config/load-config.js';
import { isOrdersPipeline, type PipelineConfig } from '../../src/config/pipeline-schema.js';
import { withGithubMode } from '../../src/wiring/github-mode.js';
import { assertSameReadOptions, MODE_BEFORE_RECORDED } from '../../src/wiring/resume-check.js';

const run = (options: Record<string, unknown>) => ({ syncId: '202612021500-SYNC-00000001', options }) as RunRow;

describe('resume check (read options)', () => {
  it('accepts the recorded read options and runs recorded before they were kept', () => {
    expect(() => assertSameReadOptions(run({ read: { mode: 'rest', per_page: 10 } }), { mode: 'rest', per_page: 10 })).not.toThrow();
    expect(() => assertSameReadOptions(run({}), { mode: 'rest', per_page: 100 })).not.toThrow();
  });

  it('refuses a differing value as a usage error naming the key and both values', () => {
    const attempt = () => assertSameReadOptions(run({ read: { mode: 'rest', per_page: 10 } }), { mode: 'rest', per_page: 100 });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/read option per_page was 10 .* is 100 now/);
    expect(() => assertSameReadOptions(run({ read: { mode: 'rest' } }), { mode: 'graphql' })).toThrow(/read option mode/);
  });
});

describe('resume check (GitHub mode)', () => {
  const config = parsePipelineConfig({ pipeline: { name: 'p' }, source: { type: 'github', org: 'o' }, destination: { type: 'sqlite' } });
  const modeOf = (c: PipelineConfig) => (isOrdersPipeline(c) ? undefined : c.source.mode);

  it('reads a new run with the flag, else the config (graphql by default)', () => {
    expect(modeOf(withGithubMode(config, undefined, undefined))).toBe('graphql');
    expect(modeOf(withGithubMode(config, 'rest', undefined))).toBe('rest');
  });

  it('resumes with the recorded mode, and runs recorded before the mode was kept as rest', () => {
    expect(modeOf(withGithubMode(config, undefined, run({ read: { mode: 'graphql', per_page: 100 } })))).toBe('graphql');
    expect(modeOf(withGithubMode(config, undefined, run({ read: { per_page: 100 } })))).toBe('rest');
    expect(modeOf(withGithubMode(config, undefined, run({})))).toBe('rest');
  });

  it('compares an older run without a recorded mode as rest, and refuses another --mode naming the option', () => {
    const older = run({ read: { per_page: 100 } });
    expect(() => assertSameReadOptions(older, { mode: 'rest', per_page: 100 }, { mode: MODE_BEFORE_RECORDED })).not.toThrow();
    const attempt = () => assertSameReadOptions(older, { mode: 'graphql', per_page: 100 }, { mode: MODE_BEFORE_RECORDED });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/read option mode was "rest" .* is "graphql" now/);
  });
});
