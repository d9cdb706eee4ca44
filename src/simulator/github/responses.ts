/** An HTTP answer before serialization. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A body sent as is instead of `body` as JSON (an HTML page from a proxy), with its content type. */
  raw?: { contentType: string; text: string };
}

const REST_DOCS = 'https://docs.github.com/rest';
const PRIMARY_DOCS = 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting';
const SECONDARY_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

export function ok(body: unknown, link?: string): Answer {
  return link === undefined ? { status: 200, body } : { status: 200, body, headers: { link } };
}

export function notFound(): Answer {
  return { status: 404, body: { message: 'Not Found', documentation_url: REST_DOCS } };
}

export function badCredentials(): Answer {
  return { status: 401, body: { message: 'Bad credentials', documentation_url: REST_DOCS } };
}

/** The primary limit: GitHub answers 403 with `x-ratelimit-remaining: 0` (the headers come from the limiter). */
export function primaryLimited(requestId: string): Answer {
  const message =
    'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, ' +
    `please include the request ID ${requestId}.`;
  return { status: 403, body: { message, documentation_url: PRIMARY_DOCS } };
}

/** Secondary limits: 403 or 429 with `retry-after`, which GitHub asks clients to honour first. */
export function secondaryLimited(status: 403 | 429, retryAfterSeconds: number, requestId: string): Answer {
  const message =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
    `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
  return { status, body: { message, documentation_url: SECONDARY_DOCS }, headers: { 'retry-after': String(retryAfterSeconds) } };
}

export function serverError(status: 500 | 502): Answer {
  return { status, body: { message: 'Server Error' } };
}

/** GitHub's 422 for a parameter outside its documented values. */
export function validationFailed(resource: string, field: string, docs: string): Answer {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [{ resource, field, code: 'invalid' }], documentation_url: docs },
  };
}

/** What a proxy or load balancer in front of the API serves: an HTML page, whatever the status. */
export function htmlPage(status: 200 | 502): Answer {
  const title = status === 200 ? 'Unicorn! · GitHub' : '502 Bad Gateway';
  const text = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>We had issues producing the response to your request.</p></body></html>\n`;
  return { status, body: null, raw: { contentType: 'text/html; charset=utf-8', text } };
}

/**
 * The primary limit as a 429 (GitHub answers 403 or 429): no `retry-after`, `remaining` 0, and the
 * budget window's own `x-ratelimit-reset` (added by the limiter), so it agrees with every other
 * answer. A client waits for that reset: give the simulator a short window to keep it brief.
 */
export function primaryLimited429(requestId: string): Answer {
  return { ...primaryLimited(requestId), status: 429, headers: { 'x-ratelimit-remaining': '0' } };
}
