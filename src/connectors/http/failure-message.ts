import { STATUS_CODES } from 'node:http';

export interface FailedCall {
  method: string;
  /** URL template, e.g. `/repos/{owner}/{repo}/pulls` (never the raw path). */
  route: string;
  status: number | undefined;
  /** What the provider or the transport said. */
  detail: string;
  /** Partition the call was made for, e.g. a repository's full name. */
  partitionKey?: string;
  /** What a partition is to this connector: `repo`, `customer`. */
  partitionNoun?: string;
}

/**
 * The one-line message of a call that finally failed, naming what an on-call engineer needs to act
 * on it: `GET /repos/{owner}/{repo}/pulls → 404 Not Found (repo acme/x): Not Found`.
 */
export function failureMessage(call: FailedCall): string {
  const outcome = call.status === undefined ? 'no response' : `${call.status} ${STATUS_CODES[call.status] ?? ''}`.trim();
  const where = call.partitionKey ? ` (${call.partitionNoun ?? 'partition'} ${call.partitionKey})` : '';
  // Policies prefix their message with the provider and status ("GitHub 404: Not Found"): said once here.
  const own = call.status === undefined ? call.detail : call.detail.replace(new RegExp(`^\\S+ ${call.status}:? `), '');
  const detail = own ? `: ${own}` : '';
  return `${call.method} ${call.route} → ${outcome}${where}${detail}`;
}

/**
 * Why a request got no response, from Node's fetch error: its cause's code and the address it
 * tried (`ECONNREFUSED 127.0.0.1:9`), which fetch's own "fetch failed" leaves out.
 */
export function transportDetail(error: unknown, url: URL): string {
  const direct = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  // `localhost` tries ::1 and 127.0.0.1: the refusal is an AggregateError of both attempts.
  const cause = direct instanceof AggregateError && direct.errors[0] instanceof Error ? (direct.errors[0] as Error) : direct;
  const fields = (cause ?? {}) as { code?: unknown; address?: unknown; port?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const address = typeof fields.address === 'string' ? fields.address : url.hostname;
  const port = typeof fields.port === 'number' ? fields.port : Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const message = [error instanceof Error ? error.message : String(error), direct && !code ? direct.message : undefined].filter(Boolean).join(': ');
  return code ? `${code} ${address}:${port} (${message})` : `${message} (${url.hostname}:${port})`;
}
