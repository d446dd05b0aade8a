/**
 * `/api/v1/auth/*`: password login, its MFA step, refresh-token rotation and logout (test/fixtures/spec-api-v1.md,
 * "Authentication"). Each route is a schema and one service call. Answers that carry tokens opt
 * out of Idempotency-Key replay (a stored answer would hold them in clear) and are `no-store`.
 * `mode: "cookie"` opens a browser session (`__Host-rampart_session`, see
 * docs/decisions/007-browser-sessions.md); a `DPoP` header on a token login binds the session's
 * refresh tokens to that key (RFC 9449).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { clearSessionCookie } from '../../browser/crypto/session-cookie.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { secret } from '../../../kernel/domain/secret.js';
import type { RampartConfig } from '../../../kernel/config.js';
import type { Identity } from '../../compose.js';
import { readDeviceCookie } from './device-cookie.js';
import type { SessionBinding } from '../../mfa/services/mfa-login.js';
import { contextOf, CookieLogin, Grant, grantJson, headerOf, LoginAnswer, LoginGrant } from './login-answer.js';

const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('cookie')])),
    device_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'The `device_token` of an earlier login of this account (token-mode clients; browsers send the `rampart_device` cookie)',
      }),
    ),
    org: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description:
          "Org id or slug (token mode only): the access token carries it, and the caller's permissions there in scope; not a member: 404 `not_found`, no session opens",
      }),
    ),
  },
  { additionalProperties: false },
);

const MfaVerifyBody = Type.Object(
  {
    mfa_token: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.String({ minLength: 1, maxLength: 64 }),
    mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('cookie')])),
    org: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description:
          "Org id or slug (token mode only): the access token carries it, and the caller's permissions there in scope; not a member: 404 `not_found`, no session opens",
      }),
    ),
  },
  { additionalProperties: false },
);

/** `binding` for the active org a token login asks for; a cookie session has no active org. */
function withOrg(binding: SessionBinding, org: string | undefined): SessionBinding {
  if (org === undefined) return binding;
  if (binding.mode !== 'token') throw new DomainError('validation_failed', '/org applies to token logins only');
  return { ...binding, org };
}

const CsrfToken = Type.Object({ csrf_token: Type.String() }, { additionalProperties: false });

const RefreshBody = Type.Object(
  {
    refresh_token: Type.String({ minLength: 1, maxLength: 200 }),
    org: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description: "Org id or slug: the new access token carries it, and the caller's permissions there in scope",
      }),
    ),
  },
  { additionalProperties: false },
);

const MINUTE = 60_000;

export async function authRoutes(
  app: FastifyInstance,
  identity: Pick<Identity, 'cookieSessions' | 'login' | 'mfaLogin' | 'refresh' | 'revoker' | 'signIn'>,
  config: Pick<RampartConfig, 'publicUrl' | 'loginRateLimit' | 'rateLimit' | 'refreshReuseGrace'>,
): Promise<void> {
  const urlOf = (path: string): string => new URL(path, config.publicUrl).href;
  const responder = identity.signIn;

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    {
      // The route's own per-caller window; the per-(IP, account) limit is the login service's.
      config: { access: 'public', idempotency: false, rateLimit: { max: config.loginRateLimit * 10, windowMs: MINUTE } },
      schema: {
        summary: 'Password login: an access token and a rotating refresh token, or (mode "cookie") a browser session',
        description:
          'A wrong email and a wrong password get the same 401 `invalid_credentials`. During an account backoff (after 5 consecutive failures) an attempt from a device that has not signed in to the account before gets that same 401. Past the login rate limits (per address or IPv6 /64, per (account, address), and RAMPART_LOGIN_ACCOUNT_LIMIT untrusted attempts per account per 15 minutes), or when the password hasher cannot take the attempt, 429 with Retry-After. ' +
          'Every successful login sets the `rampart_device` cookie (HttpOnly; SameSite=Strict; Path=/api/v1/auth) and, in token mode, returns `device_token`: sent back (cookie, or `device_token` in the body) it passes the account-wide limit and backoff (docs/decisions/011-login-throttling.md). ' +
          'With `mode: "cookie"` the answer sets `__Host-rampart_session` (HttpOnly; Secure; SameSite=Strict; Path=/; a new session id at every login, idle and absolute timeouts RAMPART_SESSION_IDLE_TIMEOUT / RAMPART_SESSION_ABSOLUTE_TIMEOUT) and returns `{session_id, csrf_token, user}`; the request needs an allowed `Origin` (or `Sec-Fetch-Site: same-origin`), else 403 `csrf_failed`. ' +
          'With a `DPoP` header (RFC 9449 proof, htm POST, htu this URL) a token login binds the refresh tokens to the proof key: every refresh then needs a fresh proof by that key (401 `dpop_invalid` otherwise). ' +
          "With `org` (token mode; id or slug) the access token is that org's: it carries `org` and the caller's permissions there in `scope`, and can act in that org only, within that scope; an org the caller is not an active member of is 404 `not_found` and no session opens. An account with a second factor gives `org` on `/api/v1/auth/mfa/verify` instead (or on a refresh).",
        tags: ['auth'],
        body: LoginBody,
        response: { 200: LoginAnswer },
      },
    },
    async (request, reply) => {
      const { email, password, device_name: deviceName, mode, device_token: bodyDevice } = request.body;
      const binding = withOrg(await responder.bindingOf(request, { mode, path: '/api/v1/auth/login' }), request.body.org);
      const deviceToken = bodyDevice ?? readDeviceCookie(request.headers.cookie);
      const outcome = await identity.login.login(
        {
          email,
          password: secret(password),
          binding,
          ...(deviceName === undefined ? {} : { deviceName }),
          ...(deviceToken === undefined ? {} : { deviceToken }),
        },
        contextOf(request),
      );
      return responder.answer(request, reply, outcome);
    },
  );

  app.post<{ Body: Static<typeof MfaVerifyBody> }>(
    '/api/v1/auth/mfa/verify',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.loginRateLimit * 10, windowMs: MINUTE } },
      schema: {
        summary: 'The second step of a login: a TOTP code or a recovery code for the mfa_token',
        description:
          'A wrong, replayed or used code is 401 `invalid_credentials`. After 5 attempts, or 5 minutes, or once used, the mfa_token is 401 `token_invalid`: log in again. ' +
          "Each code checked also spends one of the account's attempts at that kind of code (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with every route that checks a code); a new mfa_token does not renew them: past them 429 `rate_limited` with Retry-After. " +
          'The session opens here: `mode: "cookie"` (and its Origin check) and a `DPoP` header (htu this URL) work as on the login.',
        tags: ['auth'],
        body: MfaVerifyBody,
        response: { 200: Type.Union([LoginGrant, CookieLogin]) },
      },
    },
    async (request, reply) => {
      const binding = withOrg(
        await responder.bindingOf(request, { mode: request.body.mode, path: '/api/v1/auth/mfa/verify' }),
        request.body.org,
      );
      const grant = await identity.mfaLogin.verify(secret(request.body.mfa_token), secret(request.body.code), contextOf(request), binding);
      return responder.answer(request, reply, grant);
    },
  );

  app.post<{ Body: Static<typeof RefreshBody> }>(
    '/api/v1/auth/refresh',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.rateLimit, windowMs: MINUTE } },
      schema: {
        summary: 'Rotate a refresh token: a new access token and refresh token; the old one is spent',
        description:
          `Presenting a spent refresh token revokes the whole session (401 \`session_revoked\`), except within RAMPART_REFRESH_REUSE_GRACE (${config.refreshReuseGrace} s here) of its rotation, when the same successor is returned. ` +
          'A session whose login carried a DPoP proof needs a fresh proof by the same key in the `DPoP` header (htm POST, htu this URL, iat within 60 s, a jti never used before); without it 401 `dpop_invalid`, and nothing changes. ' +
          "With `org` (id or slug), the new access token carries `org` and, in `scope`, the caller's permissions in that org (without it, the caller's platform permissions); an org the caller is not an active member of is 404 `not_found` and the refresh token is not spent.",
        tags: ['auth'],
        body: RefreshBody,
        response: { 200: Grant },
      },
    },
    async (request) =>
      grantJson(
        await identity.refresh.refresh(
          secret(request.body.refresh_token),
          contextOf(request),
          {
            proof: headerOf(request, 'dpop'),
            target: { method: 'POST', url: urlOf('/api/v1/auth/refresh') },
          },
          request.body.org,
        ),
      ),
  );

  app.get(
    '/api/v1/auth/csrf',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "The CSRF token of the caller's browser session (the X-Rampart-CSRF header value)",
        description: 'Only for a cookie-authenticated caller; a bearer caller needs no CSRF token (403 `forbidden`).',
        tags: ['auth'],
        response: { 200: CsrfToken },
      },
    },
    async (request) => {
      const token = request.principal?.via === 'cookie' ? identity.cookieSessions.csrfTokenFor(request.headers.cookie) : undefined;
      if (token === undefined) throw new DomainError('forbidden', 'Only a browser session has a CSRF token');
      return { csrf_token: token.reveal() };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Revoke the current session, at once on every instance', tags: ['auth'], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const principal = request.principal;
      const sessionId = principal?.sessionId;
      if (principal === undefined || sessionId === undefined) throw new DomainError('forbidden', 'This credential has no session to end');
      // Entry first: a log that cannot record leaves the session live (503 audit_unavailable).
      const details = { mode: principal.via === 'cookie' ? 'cookie' : 'token' };
      await identity.cookieSessions.recordThen('auth.logout', principal.id, sessionId, contextOf(request), details, () =>
        identity.revoker.revoke(sessionId, 'logout'),
      );
      if (principal.via === 'cookie') reply.header('set-cookie', clearSessionCookie());
      return reply.code(204).send();
    },
  );
}
