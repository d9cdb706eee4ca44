import type { ErrorCategory } from '../../errors/sync-error.js';
import type { WaitReason } from '../../ports/request-scheduler.js';

/**
 * What each of Monday's error codes means for us. `request` codes refuse the whole call (the HTTP
 * layer retries or fails it); the others belong to one field of a request — one row of a
 * multi-mutation write — and fail only that record.
 * https://developer.monday.com/api-reference/docs/errors
 */
export interface MondayCodeRule {
  category: ErrorCategory;
  request: boolean;
  /** Wait reason when the code asks for a wait (`retry_in_seconds`, `Retry-After`). */
  wait?: WaitReason;
  /** The spent complexity budget: counted as a rate-limit rejection. */
  budget?: boolean;
  retryable?: boolean;
}

export const MONDAY_CODES: Readonly<Record<string, MondayCodeRule>> = {
  COMPLEXITY_BUDGET_EXHAUSTED: { category: 'RATE_LIMITED', request: true, wait: 'primary', budget: true },
  RATE_LIMIT_EXCEEDED: { category: 'RATE_LIMITED', request: true, wait: 'retry_after' },
  maxConcurrencyExceeded: { category: 'RATE_LIMITED', request: true, wait: 'retry_after' },
  FIELD_LIMIT_EXCEEDED: { category: 'RATE_LIMITED', request: true, wait: 'retry_after' },
  // Resets at the end of the day: retrying within the run cannot help.
  DAILY_LIMIT_EXCEEDED: { category: 'RATE_LIMITED', request: true, retryable: false },
  maxComplexityExceeded: { category: 'VALIDATION_ERROR', request: true },
  UNAUTHENTICATED: { category: 'INVALID_CREDENTIALS', request: true },
  USER_UNAUTHORIZED: { category: 'INVALID_CREDENTIALS', request: true },
  USER_ACCESS_DENIED: { category: 'PERMISSION_DENIED', request: true },
  API_VERSION_REQUIRED: { category: 'VALIDATION_ERROR', request: true },
  INTERNAL_SERVER_ERROR: { category: 'SERVER_ERROR', request: true },
  RESOURCE_LOCKED: { category: 'CONFLICT', request: true, wait: 'retry_after', retryable: true },
  IDEMPOTENCY_CONFLICT: { category: 'CONFLICT', request: true, wait: 'retry_after', retryable: true },
  GRAPHQL_PARSE_FAILED: { category: 'INTERNAL', request: true },
  GRAPHQL_VALIDATION_FAILED: { category: 'INTERNAL', request: true },
  ColumnValueException: { category: 'VALIDATION_ERROR', request: false },
  InvalidColumnIdException: { category: 'VALIDATION_ERROR', request: false },
  ItemNameTooLongException: { category: 'VALIDATION_ERROR', request: false },
  ItemsLimitationException: { category: 'VALIDATION_ERROR', request: false },
  InvalidArgumentException: { category: 'VALIDATION_ERROR', request: false },
  JsonParseException: { category: 'VALIDATION_ERROR', request: false },
  InvalidBoardIdException: { category: 'NOT_FOUND', request: false },
  InvalidGroupIdException: { category: 'NOT_FOUND', request: false },
  InvalidItemIdException: { category: 'NOT_FOUND', request: false },
  ResourceNotFoundException: { category: 'NOT_FOUND', request: false },
};

/** The category of a status without a known code, as Monday uses them. */
export function categoryOfStatus(status: number): ErrorCategory {
  if (status === 401) return 'INVALID_CREDENTIALS';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 409 || status === 423) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  return 'VALIDATION_ERROR';
}

/** The category of a field-level error code; unknown codes are the destination refusing the row. */
export function fieldErrorCategory(code: string | null): ErrorCategory {
  return (code ? MONDAY_CODES[code]?.category : undefined) ?? 'VALIDATION_ERROR';
}
