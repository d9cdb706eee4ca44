import { describe, expect, it } from 'vitest';
import { offsetCursor, restStart } from '../../../src/connectors/github/rest-position.js';

describe('REST positions (checkpoints independent of the page size)', () => {
  it('derives the page and the records to skip from an offset, whatever the page size', () => {
    expect(restStart(undefined, 10)).toEqual({ page: 1, skip: 0, offset: 0 });
    expect(restStart(offsetCursor(50), 10)).toEqual({ page: 6, skip: 0, offset: 50 });
    // Written with per_page 10 after 5 pages, read with the default 100: page 1, skip 50.
    expect(restStart(offsetCursor(50), 100)).toEqual({ page: 1, skip: 50, offset: 50 });
    expect(restStart(offsetCursor(250), 100)).toEqual({ page: 3, skip: 50, offset: 250 });
  });

  it('still reads the old page cursors, and refuses a cursor that is no REST position', () => {
    expect(restStart('3', 10)).toEqual({ page: 3, skip: 0, offset: 20 });
    expect(restStart('page:2', 25)).toEqual({ page: 2, skip: 0, offset: 25 });
    expect(() => restStart('Y3Vyc29yOnYyOjEw', 10)).toThrow(/not a REST position/);
  });
});
