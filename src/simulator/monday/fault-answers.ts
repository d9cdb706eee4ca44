import { badGatewayPage, htmlOkPage, requestError, retryAfterHeader, type MondayAnswer } from './errors.js';
import type { MondayFaultKind } from './types.js';

/** Answers that stand for a spent limit; they alternate 429 and 200 as Monday's do across versions. */
export class LimitAnswers {
  private budgetRejections = 0;

  constructor(private readonly timeScale: number) {}

  /** `COMPLEXITY_BUDGET_EXHAUSTED`: HTTP 429 or 200, with `retry_in_seconds`. */
  budgetExhausted(retryInSeconds: number): MondayAnswer {
    const status = this.budgetRejections++ % 2 === 0 ? 429 : 200;
    const seconds = round(retryInSeconds);
    return {
      status,
      body: {
        errors: [{
          message: 'Complexity budget exhausted',
          extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', status_code: 429, retry_in_seconds: seconds, error_data: { retry_in_seconds: seconds } },
        }],
      },
      ...(status === 429 ? { headers: retryAfterHeader(seconds, this.timeScale) } : {}),
    };
  }

  /** The per-minute request limit: 429 with `Retry-After`. */
  minuteLimit(retryInSeconds: number): MondayAnswer {
    const seconds = round(retryInSeconds);
    return requestError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded: too many requests in the last minute', { retry_in_seconds: seconds }, retryAfterHeader(seconds, this.timeScale));
  }

  concurrency(): MondayAnswer {
    return requestError(429, 'maxConcurrencyExceeded', 'Max concurrency exceeded: too many requests in flight', { retry_in_seconds: 1 }, retryAfterHeader(1 / this.timeScale, this.timeScale));
  }

  daily(retryInSeconds: number): MondayAnswer {
    return requestError(429, 'DAILY_LIMIT_EXCEEDED', 'Daily limit exceeded: the account has used its API calls for today', { retry_in_seconds: round(retryInSeconds) });
  }

  /** The answer an injected fault replaces the real one with (faults that only delay or cut are handled elsewhere). */
  fault(kind: MondayFaultKind, retryAfterSeconds: number): MondayAnswer | undefined {
    const seconds = retryAfterSeconds / this.timeScale;
    switch (kind) {
      case 'server_error':
        return requestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      case 'bad_gateway_html':
        return badGatewayPage();
      case 'html_200':
        return htmlOkPage();
      case 'locked':
        return requestError(423, 'RESOURCE_LOCKED', 'Resource is currently locked, please try again later', {}, retryAfterHeader(seconds, this.timeScale));
      case 'rate_limited':
        return this.minuteLimit(seconds);
      case 'complexity_exhausted':
        return this.budgetExhausted(seconds);
      case 'field_limit':
        return {
          status: 200,
          body: { errors: [{ message: 'Field limit exceeded: too many requests for this field', extensions: { code: 'FIELD_LIMIT_EXCEEDED', status_code: 429, error_data: { retry_in_seconds: round(seconds) } } }] },
        };
      case 'daily_limit':
        return this.daily(3600 / this.timeScale);
      case 'unauthorized':
        return requestError(403, 'USER_UNAUTHORIZED', 'Not Authenticated: the token is invalid or has been revoked');
      default:
        return undefined;
    }
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
