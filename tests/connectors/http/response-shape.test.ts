import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { failureMessage, transportDetail } from '../../../src/connectors/http/failure-message.js';
import type { ObservedResponse } from '../../../src/connectors/http/provider-policy.js';
import { shapeFailure, SNIPPET_CHARS } from '../../../src/connectors/http/response-shape.js';

const observed = (status: number, contentType: string | null, bodyText: string): ObservedResponse => ({
  status,
  headers: new Headers(contentType === null ? {} : { 'content-type': contentType }),
  bodyText,
  json: undefined,
  malformedJson: false,
});
const redact = (text: string) => text.replaceAll('ghp_secret', '[REDACTED]');

describe('response shape at the HTTP edge', () => {
  it('a 200 with an HTML page is a retryable SERVER_ERROR naming status, content type and a redacted snippet', () => {
    const failure = shapeFailure(observed(200, 'text/html; charset=utf-8', '<html>\n<title>Unicorn!</title> ghp_secret</html>'), redact);
    expect(failure).toEqual({
      category: 'SERVER_ERROR',
      retryable: true,
      message: '200 with a success status with a body that is not JSON (content-type text/html; charset=utf-8): <html> <title>Unicorn!</title> [REDACTED]</html>',
    });
  });

  it('a 502 HTML page is a SERVER_ERROR; a body past the cap is cut to it', () => {
    const failure = shapeFailure(observed(502, 'text/html', `<p>${'x'.repeat(500)}</p>`), redact);
    expect(failure?.category).toBe('SERVER_ERROR');
    expect(failure?.message).toContain('502 with a server error with a body that is not JSON (content-type text/html)');
    const snippet = failure!.message.split('): ')[1]!;
    expect(snippet.length).toBe(SNIPPET_CHARS + 1);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('leaves JSON, empty bodies and 4xx to the provider policy', () => {
    expect(shapeFailure(observed(200, 'application/json; charset=utf-8', '[]'), redact)).toBeUndefined();
    expect(shapeFailure(observed(204, null, ''), redact)).toBeUndefined();
    expect(shapeFailure(observed(404, 'text/html', '<html>'), redact)).toBeUndefined();
    expect(shapeFailure(observed(200, null, 'plain'), redact)?.message).toContain('content-type none');
  });
});

describe('failure messages', () => {
  it('name method, route, status and partition, and the provider detail once', () => {
    expect(failureMessage({ method: 'GET', route: '/repos/{owner}/{repo}/pulls', status: 404, detail: 'GitHub 404: Not Found', partitionKey: 'acme/x', partitionNoun: 'repo' }))
      .toBe('GET /repos/{owner}/{repo}/pulls → 404 Not Found (repo acme/x): Not Found');
    expect(failureMessage({ method: 'POST', route: '/graphql', status: undefined, detail: 'request failed (ECONNREFUSED 127.0.0.1:9)' }))
      .toBe('POST /graphql → no response: request failed (ECONNREFUSED 127.0.0.1:9)');
  });

  it('a refused connection names host and port', async () => {
    const port = await closedPort();
    const url = new URL(`http://127.0.0.1:${port}/repos`);
    const error = await fetch(url).catch((e: unknown) => e);
    expect(transportDetail(error, url)).toMatch(new RegExp(`^ECONNREFUSED 127\\.0\\.0\\.1:${port} `));
    expect(transportDetail(new Error('boom'), new URL('https://api.example.com/x'))).toBe('boom (api.example.com:443)');
  });
});

/** A port nothing listens on: bound once to get a free one, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
