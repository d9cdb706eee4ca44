import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * JSON bodies the HTTP layer already parsed, handed to the client call that asked for them. The
 * instrumented fetch must parse every JSON body itself (a truncated one is retried, the audit
 * redaction walks its keys); a connector whose client hands it the raw body (octokit with
 * `parseSuccessResponseBody: false`, or its own fetch) takes the parsed value instead of reading
 * and parsing the same bytes again, which at 100 records a page is a noticeable share of a sync's
 * CPU.
 */
interface ParsedBodySlot {
  filled: boolean;
  json: unknown;
}

/** The slot of the client call in progress (see `withParsedBody`). */
const slots = new AsyncLocalStorage<ParsedBodySlot>();

/** What a call inside `withParsedBody` turns its raw response body into. */
export type TakeParsedBody = (rawBody: unknown) => Promise<unknown>;

/**
 * Runs one client call (one request, whatever the HTTP layer's retries) with a slot that the HTTP
 * layer fills with the parsed JSON of its successful response; `take` gives it back (or, for a
 * body that was not JSON, reads the raw body as `jsonOfBody` does). The `Response` the client
 * library gets then has no body: building one from the text made a ReadableStream per call, 3-4x
 * the cost of an empty response and 3.7% of a zero-latency sync's CPU.
 */
export function withParsedBody<T>(call: (take: TakeParsedBody) => Promise<T>): Promise<T> {
  const slot: ParsedBodySlot = { filled: false, json: undefined };
  return slots.run(slot, () => call((rawBody) => (slot.filled ? Promise.resolve(slot.json) : jsonOfBody(rawBody))));
}

/**
 * The response the HTTP layer hands the client: inside `withParsedBody`, one without a body whose
 * JSON waits in the call's slot; otherwise (or for a body that is not JSON) one carrying the text.
 */
export function responseWithParsedBody(bodyText: string | null, json: unknown, init: ResponseInit): Response {
  const slot = slots.getStore();
  if (json !== undefined && slot && !slot.filled) {
    slot.filled = true;
    slot.json = json;
    return new Response(null, init);
  }
  return new Response(bodyText, init);
}

/**
 * The JSON value of a raw response body, read and parsed now. A body that is not JSON comes back
 * as its text (as octokit itself returns it), so the connector's schema check can name what the
 * API sent.
 */
export async function jsonOfBody(body: unknown): Promise<unknown> {
  if (!(body instanceof ReadableStream)) return body;
  const text = await new Response(body as ReadableStream<Uint8Array>).text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
