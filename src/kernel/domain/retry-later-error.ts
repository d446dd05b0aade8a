/**
 * A refusal that the caller may retry later: 429 `rate_limited` with `Retry-After` (RFC 9110
 * §10.2.3, whole seconds). The problems layer writes the header from `retryAfterSeconds`.
 */
import { DomainError } from './errors.js';

export class RetryLaterError extends DomainError {
  /** At least 1. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, detail?: string) {
    const seconds = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1;
    super('rate_limited', detail ?? `Too many attempts; retry after ${seconds} s`);
    this.name = 'RetryLaterError';
    this.retryAfterSeconds = seconds;
  }
}
