import { describe, expect, it } from 'vitest';
import { AuditBodySampler } from '../../../src/connectors/http/audit-body-sampler.js';

const successes = (sampler: AuditBodySampler, operation: string, n: number) =>
  Array.from({ length: n }, () => sampler.keep(operation, false, 1));

describe('audit body sampler', () => {
  it('"errors+sample": the first N successes of each operation, then 1 in K, deterministic', () => {
    const sampler = new AuditBodySampler('errors+sample', { first: 2, every: 4 });
    expect(successes(sampler, 'pulls.list', 10)).toEqual([true, true, false, false, false, true, false, false, false, true]);
    // Counted per operation.
    expect(successes(sampler, 'repos.listForOrg', 3)).toEqual([true, true, false]);
  });

  it('"errors+sample" always keeps failed and retried calls, without using up the sample', () => {
    const sampler = new AuditBodySampler('errors+sample', { first: 1, every: 0 });
    expect(sampler.keep('pulls.list', true, 1)).toBe(true);
    expect(sampler.keep('pulls.list', false, 2)).toBe(true);
    expect(successes(sampler, 'pulls.list', 3)).toEqual([true, false, false]);
  });

  it('"all", "errors" and "none" keep what they say', () => {
    expect([false, true].map((failed) => new AuditBodySampler('all').keep('x', failed, 1))).toEqual([true, true]);
    expect([false, true].map((failed) => new AuditBodySampler('errors').keep('x', failed, 1))).toEqual([false, true]);
    expect([false, true].map((failed) => new AuditBodySampler('none').keep('x', failed, 1))).toEqual([false, false]);
  });
});
