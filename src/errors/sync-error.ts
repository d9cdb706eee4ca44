/**
 * The error categories of the design. Every failure that reaches a log event, a span, a metric,
 * a record state or a report carries exactly one of these.
 */
export const ERROR_CATEGORIES = [
  'RATE_LIMITED',
  'NETWORK_ERROR',
  'TIMEOUT',
  'INVALID_CREDENTIALS',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'CONFLICT',
  'SERVER_ERROR',
  'INTERNAL',
] as const;

export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

const RETRYABLE: ReadonlySet<ErrorCategory> = new Set([
  'RATE_LIMITED',
  'NETWORK_ERROR',
  'TIMEOUT',
  'SERVER_ERROR',
]);

export function isRetryableCategory(category: ErrorCategory): boolean {
  return RETRYABLE.has(category);
}

export interface SyncErrorOptions {
  cause?: unknown;
  /** The provider's request ID of the response that produced the error (for support tickets). */
  requestId?: string;
  /** HTTP status of the response that produced the error, when there was one. */
  status?: number;
  /** Seconds the provider asked us to wait (Retry-After, retry_in_seconds). */
  retryAfterSeconds?: number;
}

/** Base of every error Syncscope raises on purpose. Checked with `instanceof`, never by message. */
export class SyncError extends Error {
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(category: ErrorCategory, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.category = category;
    this.retryable = isRetryableCategory(category);
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.requestId = options.requestId;
  }
}

/** A configuration file or flag is wrong; the CLI maps it to exit code 2. */
export class ConfigError extends SyncError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super('VALIDATION_ERROR', message, options);
  }
}

/** The user asked for something that cannot be done (unknown sync ID, bad flag combination). */
export class UsageError extends SyncError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super('VALIDATION_ERROR', message, options);
  }
}

/** Input from a client (an API request) is invalid; each bad field is named as the client sent it. */
export class FieldValidationError extends SyncError {
  constructor(readonly fields: Array<{ field: string; message: string }>) {
    super('VALIDATION_ERROR', fields.map((f) => `${f.field}: ${f.message}`).join('; '));
  }
}

/** A single record was rejected (bad shape, refused by the destination). */
export class RecordValidationError extends SyncError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super('VALIDATION_ERROR', message, options);
  }
}

/** The run was asked to stop (SIGINT/SIGTERM) before it finished. */
export class InterruptedError extends SyncError {
  constructor(message = 'sync interrupted') {
    super('INTERNAL', message);
  }
}

/** The run was cancelled through a stored cancel request; it stops like an interrupted run. */
export class CancelledError extends InterruptedError {
  constructor(message = 'sync cancelled') {
    super(message);
  }
}

/** Wraps anything thrown that is not a SyncError, so it still carries a category. */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Error && error.cause instanceof SyncError) return error.cause;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError('INTERNAL', message, { cause: error });
}
