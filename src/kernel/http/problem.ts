/**
 * The one mapper from errors to RFC 9457 problem+json. Every error answer of Rampart passes here:
 * a {@link DomainError} keeps its code and safe detail; a framework error that the caller caused
 * becomes its documented code; a database that does not answer (a restart, a killed connection,
 * a full pool) is 503 `service_unavailable` with `Retry-After`, like a Redis outage; text the
 * database cannot store (a NUL byte) is 400 `validation_failed`; anything else is 500
 * `internal_error` carrying only the request id. No stack, SQL, path or secret ever leaves
 * through this file.
 */
import { DomainError, ERROR_CATALOG, type ErrorCode, type FieldError } from '../domain/errors.js';

/** HTTP status of every code. A drift test checks it covers exactly the catalog. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  token_expired: 401,
  token_invalid: 401,
  session_revoked: 401,
  step_up_required: 401,
  csrf_failed: 403,
  dpop_invalid: 401,
  mfa_enrollment_required: 403,
  password_change_required: 403,
  forbidden: 403,
  // 403, not 426: a client that spoke plain HTTP to the API must fail, not be told to upgrade the same request.
  https_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invitation_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  ssrf_blocked: 422,
  verification_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  // 409: the stored state of the resource (its ciphertext or wrapped key) prevents the operation;
  // not 503, which invites a retry that cannot help, nor 500, which our rules keep for bugs.
  secret_integrity_failed: 409,
  service_unavailable: 503,
  sandbox_unavailable: 503,
  audit_unavailable: 503,
});

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const PROBLEM_TYPE_BASE = 'https://rampart.dev/problems/';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly request_id: string;
  readonly [extension: string]: unknown;
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

interface AjvErrorLike {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns ajv's errors into field errors: `/email` → `body.email`, missing → the missing field. */
function fieldErrors(validation: unknown, context: string): FieldError[] {
  if (!Array.isArray(validation)) return [{ field: context, reason: 'is not valid' }];
  return (validation as AjvErrorLike[]).map((error) => {
    const path = (error.instancePath ?? '').split('/').filter((part) => part !== '');
    const params = error.params ?? {};
    let reason = error.message ?? 'is not valid';
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      path.push(params.missingProperty);
      reason = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path.push(params.additionalProperty);
      reason = 'is not an allowed field';
    }
    return { field: [context, ...path].join('.'), reason };
  });
}

/** The code and safe detail of a framework error the caller caused, or `undefined` for a fault. */
function classify(error: FrameworkError): { code: ErrorCode; detail: string; errors?: FieldError[] } | undefined {
  if (error.validation !== undefined) {
    const context = typeof error.validationContext === 'string' ? error.validationContext : 'body';
    const errors = fieldErrors(error.validation, context === 'querystring' ? 'query' : context);
    const first = errors[0];
    return { code: 'validation_failed', detail: first ? `${first.field}: ${first.reason}` : 'The request is not valid', errors };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'validation_failed', detail: 'body: is not valid JSON', errors: [{ field: 'body', reason: 'is not valid JSON' }] };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'validation_failed', detail: 'body: is empty', errors: [{ field: 'body', reason: 'is empty' }] };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        code: 'validation_failed',
        detail: 'Content-Length: does not match the body',
        errors: [{ field: 'Content-Length', reason: 'does not match the body' }],
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', detail: 'The request body is larger than this route accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return { code: 'unsupported_media_type', detail: 'Send the body as application/json' };
    // A path parameter longer than the router's `maxParamLength` names nothing that exists either.
    case 'FST_ERR_ASYNC_CONSTRAINT':
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'not_found', detail: 'No such resource' };
    default:
      break;
  }
  // Errors from Node's HTTP layer that carry a 4xx (e.g. a body aborted by the client).
  if (typeof error.statusCode === 'number' && error.statusCode === 413) {
    return { code: 'payload_too_large', detail: 'The request body is larger than this route accepts' };
  }
  return undefined;
}

/**
 * PostgreSQL SQLSTATEs of a server that is not there for now: class 08 (connection exception),
 * 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now: a restart) and 53300 (too many
 * connections). Retrying shortly is the right answer to each.
 */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** Node's socket errors on the way to the database. */
const SOCKET_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** What node-postgres throws, without a code, for a connection that died or never came. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
/** SQLite: the database stayed locked past busy_timeout; another try will get through. */
const SQLITE_BUSY: ReadonlySet<string> = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);
/** PostgreSQL 22021 (invalid byte sequence, e.g. NUL in text) and 22P05 (untranslatable character). */
const PG_UNSTORABLE_TEXT: ReadonlySet<string> = new Set(['22021', '22P05']);

/** The seconds a client is told to wait before retrying a 503. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

interface StoreErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The store error in `error` or its causes (a few levels: a service may wrap it), classified. */
function storeFault(error: unknown): 'unavailable' | 'unstorable_text' | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as StoreErrorLike;
    if (typeof code === 'string') {
      if (PG_UNSTORABLE_TEXT.has(code)) return 'unstorable_text';
      if (PG_UNAVAILABLE.test(code) || SOCKET_ERRORS.has(code) || SQLITE_BUSY.has(code)) return 'unavailable';
    }
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((known) => message.startsWith(known))) return 'unavailable';
    current = cause;
  }
  return undefined;
}

/**
 * The `Retry-After` seconds of an error's answer: its own (a busy hasher, a login limit), or
 * {@link UNAVAILABLE_RETRY_AFTER_SECONDS} for any 503 (RFC 9110 §15.6.4: the server is expected
 * back shortly), or `undefined`.
 */
export function retryAfterOf(error: unknown, answered: Problem): number | undefined {
  const own = error instanceof DomainError ? (error as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
  if (typeof own === 'number' && Number.isSafeInteger(own) && own > 0) return own;
  return answered.status === 503 ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined;
}

/** Builds the problem for `error`; `internal` is true when the error is a fault of ours. */
export function toProblem(error: unknown, requestId: string): { problem: Problem; internal: boolean } {
  // A DomainError coded internal_error is a fault of ours too: its detail may name an internal rule, so it is not shown.
  if (error instanceof DomainError && error.code !== 'internal_error') {
    return { problem: problem(error.code, error.detail, requestId, error.extensions), internal: false };
  }
  if (typeof error === 'object' && error !== null) {
    const known = classify(error as FrameworkError);
    if (known !== undefined) {
      const extensions = known.errors === undefined ? {} : { errors: known.errors };
      return { problem: problem(known.code, known.detail, requestId, extensions), internal: false };
    }
    const fault = storeFault(error);
    if (fault === 'unavailable') {
      return { problem: problem('service_unavailable', 'The database is not available; retry shortly', requestId), internal: false };
    }
    if (fault === 'unstorable_text') {
      const reason = 'contains a character that cannot be stored (such as NUL)';
      return {
        problem: problem('validation_failed', `body: ${reason}`, requestId, { errors: [{ field: 'body', reason }] }),
        internal: false,
      };
    }
  }
  return {
    problem: problem('internal_error', 'An internal error occurred; quote the request id to the operator', requestId),
    internal: true,
  };
}

export function problem(code: ErrorCode, detail: string, requestId: string, extensions: Readonly<Record<string, unknown>> = {}): Problem {
  return {
    ...extensions,
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: ERROR_CATALOG[code],
    status: STATUS_BY_CODE[code],
    code,
    detail,
    request_id: requestId,
  };
}
