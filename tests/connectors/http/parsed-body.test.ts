import { describe, expect, it } from 'vitest';
import { jsonOfBody, responseWithParsedBody, withParsedBody } from '../../../src/connectors/http/parsed-body.js';

describe('parsed response bodies', () => {
  it('inside a call, hands back the very value the HTTP layer parsed, without a body to read', async () => {
    const parsed = [{ id: 1 }];
    const value = await withParsedBody(async (take) => {
      const response = responseWithParsedBody('[{"id":1}]', parsed, { status: 200 });
      expect(response.body).toBeNull();
      return take(response.body);
    });
    expect(value).toBe(parsed);
  });

  it('outside a call, the response carries the bytes: a client that reads them itself gets them', async () => {
    const response = responseWithParsedBody('[{"id":1}]', [{ id: 1 }], { status: 200 });
    expect(await response.text()).toBe('[{"id":1}]');
    expect(await jsonOfBody(responseWithParsedBody('[{"id":1}]', [{ id: 1 }], { status: 200 }).body)).toEqual([{ id: 1 }]);
  });

  it('parses a body stream it has not seen', async () => {
    expect(await jsonOfBody(new Response('{"number":7,"title":"x"}').body)).toEqual({ number: 7, title: 'x' });
  });

  it('returns a body that is not JSON as its text, and an empty one as nothing', async () => {
    expect(await jsonOfBody(new Response('[{"id":1},{"id"').body)).toBe('[{"id":1},{"id"');
    expect(await jsonOfBody(new Response('').body)).toBeUndefined();
  });

  it('passes values that are not streams through', async () => {
    expect(await jsonOfBody(undefined)).toBeUndefined();
    expect(await jsonOfBody({ already: 'parsed' })).toEqual({ already: 'parsed' });
  });

  it('inside a call, hands the parsed value over through the call and builds no body; concurrent calls keep their own', async () => {
    const first = [{ id: 1 }];
    const second = { id: 2 };
    const call = (json: unknown, text: string, delayMs: number) =>
      withParsedBody(async (take) => {
        await new Promise((r) => setTimeout(r, delayMs));
        const response = responseWithParsedBody(text, json, { status: 200 });
        expect(response.body).toBeNull();
        return take(response.body);
      });
    const [a, b] = await Promise.all([call(first, '[{"id":1}]', 20), call(second, '{"id":2}', 5)]);
    expect(a).toBe(first);
    expect(b).toBe(second);
  });

  it('inside a call, a body that is not JSON still reaches the client as its text', async () => {
    const text = await withParsedBody(async (take) => {
      const response = responseWithParsedBody('<html>oops</html>', undefined, { status: 200 });
      return take(response.body);
    });
    expect(text).toBe('<html>oops</html>');
  });
});
