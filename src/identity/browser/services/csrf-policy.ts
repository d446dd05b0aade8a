/**
 * The CSRF rule for cookie-authenticated requests (test/fixtures/spec-api-v1.md, "Conventions"). A request of
 * an unsafe method (anything but GET, HEAD, OPTIONS) is accepted when:
 * 1. `Origin` is the origin of RAMPART_PUBLIC_URL or one of RAMPART_CORS_ORIGINS; or
 * 2. there is no `Origin` and `Sec-Fetch-Site: same-origin`; or
 * 3. `X-Rampart-CSRF` carries the session's CSRF token (returned at cookie login and by
 *    `GET /api/v1/auth/csrf`), whatever the origin headers say — an attacker's page cannot read it.
 * Otherwise 403 `csrf_failed`. A present `Origin` that is not allowed is refused even with
 * `Sec-Fetch-Site: same-origin` (a browser sends both honestly; only a forged request disagrees).
 * A refusal by origin names the origins that are allowed and the variables that set them
 * (`RAMPART_PUBLIC_URL`, `RAMPART_CORS_ORIGINS`), so an operator whose page is refused learns what
 * to configure — never the request's own headers back.
 * A refusal is audited through {@link CsrfPolicy.refused} (`auth.csrf_failed`, aggregated so that a
 * forging page cannot flood the log: identity/browser/services/csrf-refusal-audit.ts).
 */
import { csrfTokenMatches, readSessionCookie } from '../crypto/session-cookie.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { CsrfRefusal, CsrfRefusalAudit } from './csrf-refusal-audit.js';

export const CSRF_HEADER = 'x-rampart-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export class CsrfPolicy {
  readonly #origins: ReadonlySet<string>;
  readonly #refusals: Pick<CsrfRefusalAudit, 'record'> | undefined;
  readonly #refusedByOrigin: string;

  constructor(publicUrl: string, corsOrigins: readonly string[], refusals?: Pick<CsrfRefusalAudit, 'record'>) {
    const own = new URL(publicUrl).origin;
    const listed = [...new Set(corsOrigins.map((origin) => new URL(origin).origin))].filter((origin) => origin !== own);
    this.#origins = new Set([own, ...listed]);
    this.#refusals = refusals;
    this.#refusedByOrigin = refusedByOriginDetail(own, listed);
  }

  /** Audits a refusal of {@link CsrfPolicy.check} (or counts it, under the caps). Rejects if the log fails. */
  refused(refusal: CsrfRefusal): Promise<void> {
    return this.#refusals === undefined ? Promise.resolve() : this.#refusals.record(refusal);
  }

  static isSafe(method: string): boolean {
    return SAFE_METHODS.has(method.toUpperCase());
  }

  /** Whether the origin headers alone show the request comes from an allowed origin. */
  originAllowed(headers: Headers): boolean {
    const origin = single(headers.origin);
    if (origin !== undefined) return this.#origins.has(origin);
    return single(headers['sec-fetch-site']) === 'same-origin';
  }

  /** Throws 403 `csrf_failed` unless a cookie-authenticated request of `method` passes (see above). */
  check(method: string, headers: Headers): void {
    if (CsrfPolicy.isSafe(method)) return;
    const token = single(headers[CSRF_HEADER]);
    if (token !== undefined) {
      const cookie = readSessionCookie(single(headers.cookie));
      if (typeof cookie !== 'string' && csrfTokenMatches(cookie.secret, token)) return;
      throw new DomainError('csrf_failed', 'The X-Rampart-CSRF header does not match this session');
    }
    if (this.originAllowed(headers)) return;
    throw new DomainError('csrf_failed', this.#refusedByOrigin);
  }
}

/** The refusal's detail: the allowed origins, each with the variable that allows it, and the ways out. */
function refusedByOriginDetail(own: string, listed: readonly string[]): string {
  const cors = listed.length === 0 ? 'RAMPART_CORS_ORIGINS lists none' : `${listed.join(', ')} (RAMPART_CORS_ORIGINS)`;
  return (
    `A cookie-authenticated change is accepted only from an allowed origin: ${own} (RAMPART_PUBLIC_URL); ${cors}. ` +
    "This request's origin is not one of them: add the page's origin to RAMPART_CORS_ORIGINS (or set RAMPART_PUBLIC_URL " +
    "to the address browsers use), or send the session's token in the X-Rampart-CSRF header (GET /api/v1/auth/csrf)"
  );
}
