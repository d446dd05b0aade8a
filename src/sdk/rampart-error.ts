/**
 * What the SDK throws when the server refuses a request: the RFC 9457 problem as a typed error.
 * `code` is the contract (the spec's stable snake_case codes); `title` and `detail` are for people.
 * An answer that is not problem+json (a proxy's HTML error page, a dropped connection) gets the
 * code `http_error` with its status, and never carries the body it could not read as a problem.
 */

/** The fields of a problem+json answer the SDK keeps. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId?: string;
  /** For `validation_failed`: each failing field and why. */
  readonly errors?: readonly { readonly field?: string; readonly reason?: string }[];
  /** For `step_up_required` and `mfa_required`: the methods that satisfy it. */
  readonly methods?: readonly string[];
}

/** A refused request, as the server described it. */
export class RampartError extends Error implements Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId?: string;
  readonly errors?: Problem['errors'];
  readonly methods?: Problem['methods'];

  constructor(problem: Problem) {
    super(`${problem.title}: ${problem.detail} (${problem.code})`);
    this.name = 'RampartError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    if (problem.requestId !== undefined) this.requestId = problem.requestId;
    if (problem.errors !== undefined) this.errors = problem.errors;
    if (problem.methods !== undefined) this.methods = problem.methods;
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The error for a refused `response` (its body is read here). */
export async function errorFromResponse(response: Response): Promise<RampartError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Record<string, unknown>;
      return new RampartError({
        status: response.status,
        code: text(body.code, 'http_error'),
        title: text(body.title, response.statusText || `HTTP ${response.status}`),
        detail: text(body.detail, ''),
        ...(typeof body.request_id === 'string' ? { requestId: body.request_id } : {}),
        ...(Array.isArray(body.errors) ? { errors: body.errors as Problem['errors'] } : {}),
        ...(Array.isArray(body.methods) ? { methods: body.methods as string[] } : {}),
      });
    } catch {
      // Not JSON after all: described by its status below.
    }
  } else {
    await response.body?.cancel();
  }
  return new RampartError({
    status: response.status,
    code: 'http_error',
    title: response.statusText || `HTTP ${response.status}`,
    detail: `The server answered ${response.status} without a problem description`,
    ...(response.headers.get('x-request-id') === null ? {} : { requestId: response.headers.get('x-request-id') ?? '' }),
  });
}
