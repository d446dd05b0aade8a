/**
 * Layer 5b, right after authentication: what a browser (cookie) session needs besides the
 * credential check (docs/decisions/007-browser-sessions.md).
 * - CSRF: a cookie-authenticated request of an unsafe method must pass the CSRF rule
 *   (identity/browser/services/csrf-policy.ts), else 403 `csrf_failed` before anything else runs;
 *   the refusal is audited first (`auth.csrf_failed`, aggregated against floods). Should the log
 *   fail, the answer is still the refusal (the request changes nothing either way), and the
 *   failure is logged.
 * - Privilege changes: after a successful password change, MFA enrolment or MFA removal made
 *   through a cookie session, the session is replaced by a new id; the answer carries the new
 *   cookie and its `X-Rampart-CSRF` token, and the old id is revoked everywhere.
 * - MFA enforcement: a user who must enrol a second factor gets 403 `mfa_enrollment_required`
 *   on every authenticated route but the enrolment's own (identity/mfa/services/mfa-enforcement.ts).
 * - Password change first (V6.4.1): a user whose password must change (the bootstrap admin) gets
 *   403 `password_change_required` on every authenticated route but
 *   identity/accounts/services/password-change-gate.ts's `PASSWORD_CHANGE_ROUTES`; checked before
 *   the MFA enrolment, which the change leads to next.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RequestStep, StepResult } from '../../../kernel/http/chain/request-pass.js';
import { clearSessionCookie, setSessionCookie } from '../crypto/session-cookie.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Principal } from '../../../kernel/domain/principal.js';
import type { CookieGrant } from '../services/cookie-sessions.js';
import { CSRF_HEADER, type CsrfPolicy } from '../services/csrf-policy.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import { requestContext } from '../../../kernel/http/request-context.js';
import { PASSWORD_CHANGE_ROUTES } from '../../accounts/services/password-change-gate.js';

export interface BrowserSessionLayerOptions {
  readonly csrf: Pick<CsrfPolicy, 'check' | 'refused'>;
  /** Replaces the caller's cookie session after a privilege change; `undefined` if it has ended. */
  readonly rotate: (sessionId: string, userId: string) => Promise<CookieGrant | undefined>;
  /** Whether the user must enrol first; with `refused`, a `true` answer is audited as a refusal of that request. */
  readonly mustEnrol: (userId: string, refused?: { readonly context: RequestContext; readonly route: string }) => Promise<boolean>;
  /** The caller's factor changed: forget what was cached about it. */
  readonly forget: (userId: string) => void;
  /** Whether the user must change their password before anything else (V6.4.1); never when absent. */
  readonly mustChangePassword?: (userId: string) => Promise<boolean>;
  /**
   * Whether memory already says the user owes neither a password change nor an enrolment (the
   * answers {@link mustChangePassword} and {@link mustEnrol} would give, cached): then the step
   * settles without a promise. Optional; without it both are always asked.
   */
  readonly knownClear?: (userId: string) => boolean;
  /**
   * A user's account changed (a successful change through `/api/v1/me…` or `/api/v1/users/:id…`):
   * drop the cached copies of their row here and on every instance (the caller cache). Resolves
   * once this instance has dropped it; never rejects.
   */
  readonly userChanged?: (userId: string) => Promise<void>;
}

const MUTATING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The user whose account a successful change may have touched: the caller on `/me`, the target on `/users/:id`. */
export function changedUser(request: FastifyRequest, status: number): string | undefined {
  if (status >= 300 || !MUTATING.has(request.method)) return undefined;
  const route = request.routeConfig.url ?? '';
  if (route.startsWith('/api/v1/users/:id')) return (request.params as { id?: string } | undefined)?.id;
  if ((route === '/api/v1/me' || route.startsWith('/api/v1/me/')) && request.principal?.type === 'user') return request.principal.id;
  return undefined;
}

/** Routes that change the caller's privileges: `METHOD path` as routes declare them. */
export const PRIVILEGE_CHANGES: ReadonlySet<string> = new Set([
  'POST /api/v1/me/password',
  'POST /api/v1/me/mfa/totp/confirm',
  'DELETE /api/v1/me/mfa/totp',
  'POST /api/v1/auth/step-up',
  // Passkeys (src/passkeys/): a factor added or removed, a step-up with a passkey.
  'POST /api/v1/me/passkeys',
  'DELETE /api/v1/me/passkeys/:id',
  'POST /api/v1/auth/step-up/passkey',
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
  'POST /api/v1/auth/step-up',
  // A passkey is a second factor too (src/passkeys/): its enrolment and the step-up it needs.
  'GET /api/v1/me/passkeys',
  'POST /api/v1/me/passkeys/options',
  'POST /api/v1/me/passkeys',
  'POST /api/v1/auth/step-up/passkey/options',
  'POST /api/v1/auth/step-up/passkey',
  // Leaving an org (tenancy) is always possible: a role the user no longer wants never holds them.
  'DELETE /api/v1/me/orgs/:org',
]);

function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeConfig.url ?? ''}`;
}

/**
 * The request pass's step (kernel/http/chain/request-pass.ts), right after authentication: the
 * CSRF rule, then the password change and the MFA enrolment a user may owe. Fast paths: only the
 * enrolment check, the password-change check and an audited CSRF refusal cost a promise, and
 * none of them once memory knows the user owes nothing (`knownClear`).
 */
export function browserSessionStep(options: BrowserSessionLayerOptions): RequestStep {
  /** MFA enforcement: 403 `mfa_enrollment_required` unless the user may act or the route is the enrolment's. */
  function enrolmentCheck(request: FastifyRequest, userId: string, route: string): StepResult | Promise<StepResult> {
    if (MFA_ENROLMENT_ROUTES.has(route)) return undefined;
    return options
      .mustEnrol(userId, { context: requestContext(request), route })
      .then((must) =>
        must
          ? new DomainError('mfa_enrollment_required', 'Your role requires a second factor: enrol one at /api/v1/me/mfa/totp first')
          : undefined,
      );
  }

  /** Audits a CSRF refusal; a log failure is logged here and never changes the refusal. */
  async function auditRefusal(request: FastifyRequest, principal: Principal, sessionId: string): Promise<void> {
    const origin = request.headers.origin;
    try {
      await options.csrf.refused({
        userId: principal.id,
        sessionId,
        method: request.method,
        route: request.routeConfig.url ?? '',
        origin: typeof origin === 'string' ? origin : undefined,
        context: requestContext(request),
      });
    } catch (error) {
      request.log.error({ err: error }, 'a CSRF refusal could not be audited');
    }
  }

  return (request) => {
    const principal = request.principal;
    // Public routes do not act as the caller: a cookie there grants nothing to forge.
    const access = request.routeConfig.access;
    if (principal === undefined || access === undefined || access === 'public') return undefined;
    try {
      if (principal.via === 'cookie') options.csrf.check(request.method, request.headers);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'csrf_failed' && principal.sessionId !== undefined) {
        return auditRefusal(request, principal, principal.sessionId).then(() => error);
      }
      return error instanceof Error ? error : new Error(String(error));
    }
    if (principal.type !== 'user') return undefined;
    if (options.knownClear?.(principal.id) === true) return undefined;
    const route = routeKey(request);
    const mustChange = options.mustChangePassword;
    if (mustChange !== undefined && !PASSWORD_CHANGE_ROUTES.has(route)) {
      return mustChange(principal.id).then((must) =>
        must
          ? new DomainError('password_change_required', 'Change your password at POST /api/v1/me/password first')
          : enrolmentCheck(request, principal.id, route),
      );
    }
    return enrolmentCheck(request, principal.id, route);
  };
}

/**
 * The layer's `onSend` half: a session replaced after a privilege change; and, before a change to
 * an account is answered, the cached copies of its row dropped (so the next `/me` reads it anew).
 */
const browserSessions: FastifyPluginAsync<BrowserSessionLayerOptions> = async (app, options) => {
  const userChanged = options.userChanged;
  if (userChanged !== undefined) {
    app.addHook('onSend', (request, reply, payload, done) => {
      const changed = changedUser(request, reply.statusCode);
      if (changed === undefined) done(null, payload);
      else void userChanged(changed).then(() => done(null, payload));
    });
  }

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

// Acts on the principal: the request pass (authentication) must be mounted first.
export default fp(browserSessions, {
  name: 'rampart-browser-sessions',
  fastify: '5.x',
  dependencies: ['rampart-request-pass'],
  decorators: { request: ['principal', 'routeConfig'] },
});
