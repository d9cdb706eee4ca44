import { describe, expect, it } from 'vitest';
import { headerRecord, type HeadersInput } from '../../../src/connectors/http/request-headers.js';

/** What the Fetch standard's own Headers makes of the same input, as a record. */
const viaHeaders = (input: HeadersInput | undefined): Record<string, string> => Object.fromEntries(new Headers(input));

describe('headerRecord', () => {
  const inputs: Array<[string, HeadersInput | undefined]> = [
    ['nothing', undefined],
    ['a record with mixed-case names', { Authorization: 'token abc', 'X-GitHub-Api-Version': '2022-11-28', accept: 'application/json' }],
    ['values with edge whitespace', { 'user-agent': '  syncscope/1 \t', 'x-empty': '' }],
    ['pairs with a repeated name', [['Accept', 'a'], ['accept', 'b'], ['X-One', '1']]],
    ['a Headers', new Headers([['Set-Thing', 'x'], ['set-thing', 'y'], ['Content-Type', 'text/plain']])],
  ];

  it.each(inputs)('reads %s as Headers does', (_, input) => {
    expect(headerRecord(input)).toEqual(viaHeaders(input));
  });

  it('rejects a pair that is not [name, value], as Headers does', () => {
    const bad = [['only-a-name']] as unknown as HeadersInput;
    expect(() => new Headers(bad)).toThrow(TypeError);
    expect(() => headerRecord(bad)).toThrow(/header pair must be \[name, value\]; got 1 item/);
  });
});
