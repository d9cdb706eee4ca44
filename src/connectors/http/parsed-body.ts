/**
 * JSON bodies the HTTP layer already parsed, keyed by the body stream of the `Response` it hands
 * to the client library. The instrumented fetch must parse every JSON body itself (a truncated one
 * is retried, the audit redaction walks its keys); a connector whose client hands it the raw body
 * (octokit with `parseSuccessResponseBody: false`) takes the parsed value instead of reading and
 * parsing the same bytes again, which at 100 records a page is a noticeable share of a sync's CPU.
 */
const parsedBodies = new WeakMap<ReadableStream<Uint8Array>, unknown>();

/** A response carrying `bodyText`, with its parsed JSON (if any) remembered for `jsonOfBody`. */
export function responseWithParsedBody(bodyText: string | null, json: unknown, init: ResponseInit): Response {
  const response = new Response(bodyText, init);
  if (json !== undefined && response.body !== null) parsedBodies.set(response.body, json);
  return response;
}

/**
 * The JSON value of a raw response body: the one the HTTP layer parsed, or else the stream read
 * and parsed now. A body that is not JSON comes back as its text (as octokit itself returns it),
 * so the connector's schema check can name what the API sent.
 */
export async function jsonOfBody(body: unknown): Promise<unknown> {
  if (!(body instanceof ReadableStream)) return body;
  if (parsedBodies.has(body)) return parsedBodies.get(body);
  const text = await new Response(body as ReadableStream<Uint8Array>).text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
