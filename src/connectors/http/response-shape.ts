import type { ClassifiedFailure, ObservedResponse } from './provider-policy.js';

/** Longest piece of an unexpected body kept in a message (after redaction). */
export const SNIPPET_CHARS = 200;

/**
 * Checks what an API answered before any client library parses it. A 2xx or 5xx whose body is not
 * JSON is a page from something in front of the API (a proxy, a load balancer, GitHub's own
 * "Unicorn" page), not an answer: octokit would parse it as a success and fail later with a
 * TypeError nobody can act on. It is a server-side failure, retryable, named with the status, the
 * content type and the start of the body. `undefined` when the shape is what an API sends; the
 * provider policy then classifies the rest (its 4xx bodies, GraphQL errors, truncated JSON).
 */
export function shapeFailure(response: ObservedResponse, redact: (text: string) => string): ClassifiedFailure | undefined {
  const { status, bodyText } = response;
  const success = status >= 200 && status < 300;
  if (!success && status < 500) return undefined;
  if (bodyText.length === 0) return undefined;
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.toLowerCase().includes('json')) return undefined;
  const what = success ? 'a success status with a body that is not JSON' : 'a server error with a body that is not JSON';
  return {
    category: 'SERVER_ERROR',
    message: `${status} with ${what} (content-type ${contentType || 'none'}): ${snippet(bodyText, redact)}`,
    // A 2xx would otherwise not count as retryable by status; a proxy page usually clears quickly.
    retryable: true,
  };
}

/** The start of a body as one line, redacted before it is cut so a secret is never half-kept. */
export function snippet(bodyText: string, redact: (text: string) => string): string {
  const oneLine = redact(bodyText).replace(/\s+/g, ' ').trim();
  return oneLine.length > SNIPPET_CHARS ? `${oneLine.slice(0, SNIPPET_CHARS)}…` : oneLine;
}
