/**
 * The refusal of a password hash when the hasher's queue is full. Login catches it and answers
 * 429 `rate_limited` with `Retry-After` at once (RFC 9110 §10.2.3, whole seconds), instead of
 * making the client wait behind a line of argon2id computations.
 */
import { DomainError } from '../../../kernel/domain/errors.js';

/** The hasher is saturated; retry after {@link HasherBusyError.retryAfterSeconds}. */
export class HasherBusyError extends DomainError {
  /** An estimate of when a slot frees, in whole seconds, at least 1 (the `Retry-After` value). */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const seconds = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1;
    super('rate_limited', `Too many sign-in attempts are being processed; retry after ${seconds} s`);
    this.name = 'HasherBusyError';
    this.retryAfterSeconds = seconds;
  }
}
