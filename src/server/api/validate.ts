import type { z } from 'zod';
import { invalid } from './problem.js';

/**
 * Parses one part of a request (`query`, `body`, `params`) with its schema; a failure is a 400
 * whose `errors` name each bad field as the client sent it, e.g. `query.limit`.
 */
export function parseRequest<S extends z.ZodType>(part: 'query' | 'body' | 'params', schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw invalid(result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => ({
      field: [part, ...issue.path.map(String), ...(key === undefined ? [] : [key])].reduce((a, b) => (/^\d+$/.test(b) ? `${a}[${b}]` : `${a}.${b}`)),
      message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
    }));
  }).flat());
}
