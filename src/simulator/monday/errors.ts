import { GraphQLError } from 'graphql';

/**
 * Monday's application errors: HTTP 200 (unless said otherwise) with
 * `errors[].extensions.{code, status_code, error_data}`, beside whatever `data` the other fields
 * produced. https://developer.monday.com/api-reference/docs/errors
 */
export function mondayError(code: string, message: string, errorData: Record<string, unknown> = {}, statusCode = 200): GraphQLError {
  return new GraphQLError(message, { extensions: { code, status_code: statusCode, error_data: errorData } });
}

/** One HTTP answer before serialization. `raw` bodies are sent as they are (an HTML error page). */
export interface MondayAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  raw?: { contentType: string; text: string };
}

/** A request-level failure: no field ran, the whole request is refused. */
export function requestError(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): MondayAnswer {
  return {
    status,
    body: { errors: [{ message, extensions: { code, status_code: status, ...extra } }] },
    ...(headers ? { headers } : {}),
  };
}

export function retryAfterHeader(seconds: number, timeScale: number): Record<string, string> {
  // Retry-After is whole seconds; a scaled clock asks for fractions of them.
  return { 'retry-after': timeScale === 1 ? String(Math.max(1, Math.ceil(seconds))) : seconds.toFixed(3) };
}

/** A proxy or captive-portal page served with 200: the status says success, the body is not the API's. */
export function htmlOkPage(): MondayAnswer {
  return {
    status: 200,
    body: null,
    raw: { contentType: 'text/html; charset=utf-8', text: '<!DOCTYPE html><html><head><title>Sign in to continue</title></head><body><form action="/login"></form></body></html>\n' },
  };
}

export function badGatewayPage(): MondayAnswer {
  return {
    status: 502,
    body: null,
    raw: { contentType: 'text/html; charset=utf-8', text: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n' },
  };
}
