/**
 * The error code catalog: the stable, machine-readable `code` of every problem Rampart returns.
 * Codes are the contract (test/fixtures/spec-api-v1.md, "Conventions"); titles are for people and may change.
 * `kernel/http/problem.ts` maps each code to its HTTP status, and a drift test keeps this catalog, that
 * mapper, the OpenAPI document and the spec identical.
 */
export const ERROR_CATALOG = {
  validation_failed: 'The request is not valid',
  unauthenticated: 'Authentication is required',
  invalid_credentials: 'The credentials are not valid',
  mfa_required: 'A second factor is required',
  mfa_enrollment_required: 'A second factor must be enrolled first',
  password_change_required: 'The password must be changed first',
  token_expired: 'The token has expired',
  token_invalid: 'The token is not valid',
  session_revoked: 'The session has been revoked',
  step_up_required: 'A fresh authentication is required for this change',
  csrf_failed: 'The request failed the cross-site request forgery check',
  dpop_invalid: 'The DPoP proof is missing or not valid for this token',
  forbidden: 'The caller is not allowed to do this',
  https_required: 'This endpoint is served over HTTPS only',
  not_found: 'Not found',
  method_not_allowed: 'The method is not allowed on this resource',
  conflict: 'The request conflicts with the current state',
  invitation_expired: 'The invitation has expired',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body has an unsupported media type',
  idempotency_key_reused: 'The idempotency key was used with another request',
  ssrf_blocked: 'The URL points at an address that is not allowed',
  verification_failed: 'The result did not match its reference',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  secret_integrity_failed: 'A stored secret failed its integrity check',
  service_unavailable: 'The service is not available right now',
  sandbox_unavailable: 'The sandbox cannot be set up as configured, so nothing was run',
  audit_unavailable: 'The audit log cannot record the change, so it was not made',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Every code of the catalog, in catalog order. */
export const ERROR_CODES = Object.freeze(Object.keys(ERROR_CATALOG) as ErrorCode[]);

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}

/** One failing part of a request: a JSON pointer-like field path and why it failed. */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export interface DomainErrorOptions {
  /** Extra members safe to show the caller (RFC 9457 §3.2 extension members). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * An expected failure with a stable code. `detail` is shown to the caller, so it must never hold a
 * secret, a token, SQL or a path; `cause` is kept for the log only.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail: string = ERROR_CATALOG[code], options: DomainErrorOptions = {}) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
    this.extensions = Object.freeze({ ...options.extensions });
  }
}

/** 400 `validation_failed` naming the fields that failed. */
export function validationFailed(errors: readonly FieldError[]): DomainError {
  const first = errors[0];
  const detail = first === undefined ? 'The request is not valid' : `${first.field}: ${first.reason}`;
  return new DomainError('validation_failed', detail, { extensions: { errors } });
}
