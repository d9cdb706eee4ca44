import { describe, expect, it } from 'vitest';
import { expectedPulls } from '../../../src/connectors/github/github-source.js';

const link = (page: number, last: number) =>
  `<https://api.github.com/repositories/1/pulls?per_page=100&page=${page + 1}>; rel="next", <https://api.github.com/repositories/1/pulls?per_page=100&page=${last}>; rel="last"`;

describe('expectedPulls (progress estimate from GitHub pagination)', () => {
  it('is the last page times the page size while a rel="last" link points ahead', () => {
    expect(expectedPulls(link(1, 7), 1, 100, 100)).toBe(700);
    expect(expectedPulls(link(6, 7), 6, 100, 100)).toBe(700);
  });

  it('is exact on the last page (no rel="last") and for a single page (no Link at all)', () => {
    expect(expectedPulls('<https://api.github.com/x?page=6>; rel="prev", <https://api.github.com/x?page=1>; rel="first"', 7, 100, 42)).toBe(642);
    expect(expectedPulls(undefined, 1, 100, 17)).toBe(17);
  });
});
