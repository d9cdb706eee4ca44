import type { ErrorRequestHandler, Response } from 'express';
import { FieldValidationError, SyncError } from '../../errors/sync-error.js';

/** Problem type URIs (RFC 4151 tag URIs: identifiers, not links); plain HTTP errors use `about:blank`. */
export const PROBLEM = {
  validation: 'tag:syncscope.dev,2026:problem/validation-error',
  notRunning: 'tag:syncscope.dev,2026:problem/run-not-running',
  notResumable: 'tag:syncscope.dev,2026:problem/run-not-resumable',
  unavailable: 'tag:syncscope.dev,2026:problem/service-unavailable',
} as const;

/** One invalid field of a request, named as the client sent it (`query.limit`, `body.options.repos[0]`). */
export interface FieldError {
  field: string;
  message: string;
}

/** An error the API answers with an RFC 9457 problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type: string = 'about:blank',
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);

export function invalid(errors: FieldError[]): HttpProblem {
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new HttpProblem(400, 'Invalid request', detail, PROBLEM.validation, { errors });
}

/** Writes a problem document (`application/problem+json`), `instance` being the request path. */
export function sendProblem(res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: res.req.originalUrl.split('?')[0],
      request_id: res.locals['requestId'] ?? null,
      ...problem.extensions,
    }));
}

/** What the run wiring's errors mean to a client. Anything else is a 500 with no detail (it is logged). */
export function problemOf(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large') return new HttpProblem(413, 'Content Too Large', `the body is larger than ${error.limit} bytes`);
    if (error.type === 'entity.parse.failed') return invalid([{ field: 'body', message: 'not valid JSON' }]);
    return new HttpProblem(400, 'Bad Request', 'the body could not be read');
  }
  if (error instanceof FieldValidationError) return invalid(error.fields);
  if (error instanceof SyncError) {
    switch (error.category) {
      case 'NOT_FOUND': return notFound(error.message);
      case 'VALIDATION_ERROR': return new HttpProblem(400, 'Invalid request', error.message, PROBLEM.validation);
      case 'CONFLICT': return new HttpProblem(409, 'Conflict', error.message);
      case 'RATE_LIMITED': return new HttpProblem(503, 'Service Unavailable', error.message, PROBLEM.unavailable, {}, { 'Retry-After': '30' });
      case 'SERVER_ERROR': return new HttpProblem(503, 'Service Unavailable', error.message, PROBLEM.unavailable);
      default: break;
    }
  }
  return new HttpProblem(500, 'Internal Server Error', 'the request failed; the access log has its request ID');
}

interface BodyParserError {
  type: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' && error.type.startsWith('entity.');
}

/** Express's error handler: every error becomes a problem document; nothing internal reaches the client. */
export function problemHandler(onInternal: (error: unknown, requestId: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const problem = problemOf(error);
    if (problem.status >= 500 && !(error instanceof HttpProblem)) onInternal(error, String(res.locals['requestId'] ?? ''));
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem);
  };
}
