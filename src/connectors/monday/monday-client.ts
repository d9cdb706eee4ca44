import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SyncError } from '../../errors/sync-error.js';
import { COST_HEADER, graphqlErrorsOf, type GraphqlErrorEntry } from '../http/graphql-operation.js';
import { withParsedBody } from '../http/parsed-body.js';

export interface MondayClientOptions {
  /** `https://api.monday.com/v2`, or the simulator's URL. */
  url: string;
  token: string;
  apiVersion: string;
  /** The shared HTTP layer's fetch (spans, budget, retries, audit); it throws for refused calls. */
  fetch: typeof fetch;
}

export interface MondayRequest {
  /** The operation name written in `query`: the metric label and span name of the call. */
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Complexity points it is expected to cost, reserved in the shared budget before it is sent. */
  cost: number;
  /** Sent as `Idempotency-Key` (mutations): a replay within 30 minutes answers from Monday's cache. */
  idempotencyKey?: string;
}

export interface MondayResult {
  data: Record<string, unknown>;
  /** Errors of single fields (one alias each); request-level ones were thrown by the HTTP layer. */
  errors: GraphqlErrorEntry[];
  requestId: string | null;
}

const responseShape = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  extensions: z.object({ request_id: z.string().optional() }).passthrough().optional(),
}).passthrough();

/** Every request asks for the budget state, so the shared scheduler learns it from each answer. */
export const COMPLEXITY_FIELD = 'complexity { before after query reset_in_x_seconds }';

/**
 * A thin GraphQL client for Monday.com's `POST /v2`: headers (`Authorization`, `API-Version`,
 * `Idempotency-Key`), the cost hint for the scheduler, and the body parsed at the edge. Retries,
 * budgets and telemetry are the HTTP layer's.
 */
export class MondayClient {
  constructor(private readonly options: MondayClientOptions) {}

  async request(req: MondayRequest): Promise<MondayResult> {
    const headers: Record<string, string> = {
      authorization: this.options.token,
      'api-version': this.options.apiVersion,
      'content-type': 'application/json',
      [COST_HEADER]: String(Math.ceil(req.cost)),
    };
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    const json = await withParsedBody(async (take) => {
      const response = await this.options.fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: req.query, operationName: req.name, variables: req.variables ?? {} }),
      });
      return take(response.body);
    });
    const parsed = responseShape.safeParse(json);
    if (!parsed.success) throw new SyncError('SERVER_ERROR', `Monday answered ${req.name} with a body that is not a GraphQL response`);
    return { data: parsed.data.data ?? {}, errors: graphqlErrorsOf(json), requestId: parsed.data.extensions?.request_id ?? null };
  }
}

/** A stable Idempotency-Key for a mutation's content: the same writes always send the same key. */
export function idempotencyKeyOf(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}
