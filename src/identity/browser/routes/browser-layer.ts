/**
 * Layer 5b, right after authentication: what a browser (cookie) session needs besides the
 * credential check (docs/decisions/007-browser-sessions.md).
 * - CSRF: a cookie-authenticated request of an unsafe method must pass the CSRF rule
 *   (identity/browser/services/csrf-policy.ts), else 403 `csrf_failed` before anything else runs.
 * - Privilege changes: after a successful password change, MFA enrolment or MFA removal made
 *   through a cookie session, the session is replaced by a new id; the answer carries the new
 *   cookie and its `X-Rampart-CSRF` token, and the old id is revoked everywhere.
 * - MFA enforcement: a user who must enrol a second factor gets 403 `mfa_enrollment_required`
 *   on every authenticated route but the enrolment's own (identity/mfa/services/mfa-enforcement.ts).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { clearSessionCookie, setSessionCookie } from '../crypto/session-cookie.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Principal } from '../../../kernel/domain/principal.js';
import type { CookieGrant } from '../services/cookie-sessions.js';
import { CSRF_HEADER, type CsrfPolicy } from '../services/csrf-policy.js';

export interface BrowserSessionLayerOptions {
  readonly csrf: Pick<CsrfPolicy, 'check'>;
  /** Replaces the caller's cookie session after a privilege change; `undefined` if it has ended. */
  readonly rotate: (sessionId: string, userId: string) => Promise<CookieGrant | undefined>;
  readonly mustEnrol: (userId: string) => Promise<boolean>;
  /** The caller's factor changed: forget what was cached about it. */
  readonly forget: (userId: string) => void;
}

/** Routes that change the caller's privileges: `METHOD path` as routes declare them. */
export const PRIVILEGE_CHANGES: ReadonlySet<string> = new Set([
  'POST /api/v1/me/password',
  'POST /api/v1/me/mfa/totp/confirm',
  'DELETE /api/v1/me/mfa/totp',
]);

/** What a user who must enrol may still reach: themselves, the enrolment, the way out. */
export const MFA_ENROLMENT_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/me',
  'POST /api/v1/me/mfa/totp',
  'POST /api/v1/me/mfa/totp/confirm',
  'DELETE /api/v1/me/mfa/totp',
  'POST /api/v1/me/password',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/csrf',
]);

function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? ''}`;
}

const browserSessions: FastifyPluginAsync<BrowserSessionLayerOptions> = async (app, options) => {
  // Callback-style hooks with fast paths: only the enrolment check and a privilege change cost a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const principal = request.principal;
    // Public routes do not act as the caller: a cookie there grants nothing to forge.
    const access = request.routeOptions.config.access;
    if (principal === undefined || access === undefined || access === 'public') {
      done();
      return;
    }
    try {
      if (principal.via === 'cookie') options.csrf.check(request.method, request.headers);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (principal.type !== 'user' || MFA_ENROLMENT_ROUTES.has(routeKey(request))) {
      done();
      return;
    }
    options.mustEnrol(principal.id).then(
      (must) =>
        done(
          must
            ? new DomainError('mfa_enrollment_required', 'Your role requires a second factor: enrol one at /api/v1/me/mfa/totp first')
            : undefined,
        ),
      (error: unknown) => done(error as Error),
    );
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const principal = request.principal;
    if (principal === undefined || reply.statusCode >= 300 || !PRIVILEGE_CHANGES.has(routeKey(request))) {
      done(null, payload);
      return;
    }
    afterPrivilegeChange(request, reply, principal).then(
      () => done(null, payload),
      (error: unknown) => done(error as Error),
    );
  });

  /** A privilege change succeeded: forget the cached factor state, and replace a cookie session. */
  async function afterPrivilegeChange(request: FastifyRequest, reply: FastifyReply, principal: Principal): Promise<void> {
    options.forget(principal.id);
    if (principal.via !== 'cookie' || principal.sessionId === undefined) return;
    const next = await options.rotate(principal.sessionId, principal.id);
    if (next === undefined) {
      reply.header('set-cookie', clearSessionCookie());
      return;
    }
    reply.header('set-cookie', setSessionCookie(next.cookie));
    reply.header(CSRF_HEADER, next.csrfToken.reveal());
  }
};

// Acts on the principal: authentication's onRequest hook must run first.
export default fp(browserSessions, {
  name: 'rampart-browser-sessions',
  fastify: '5.x',
  dependencies: ['rampart-authentication'],
  decorators: { request: ['principal'] },
});
