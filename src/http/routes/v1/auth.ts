/**
 * `/api/v1/auth/*`: password login, its MFA step, refresh-token rotation and logout (spec/api-v1.md,
 * "Authentication"). Each route is a schema and one service call. Answers that carry tokens opt
 * out of Idempotency-Key replay (a stored answer would hold them in clear) and are `no-store`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, validationFailed } from '../../../domain/errors.js';
import { secret } from '../../../domain/secret.js';
import type { RequestContext } from '../../../services/request-context.js';
import type { TokenGrant } from '../../../services/token-grant.js';
import type { Rampart } from '../../../rampart.js';
import { UserJson, userJson } from './user-json.js';

const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('cookie')])),
  },
  { additionalProperties: false },
);

const MfaVerifyBody = Type.Object(
  { mfa_token: Type.String({ minLength: 1, maxLength: 200 }), code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** The login answer of an account with a second factor: no tokens yet. */
const MfaRequired = Type.Object(
  {
    mfa_required: Type.Literal(true),
    mfa_token: Type.String(),
    methods: Type.Array(Type.Union([Type.Literal('totp'), Type.Literal('recovery_code')])),
  },
  { additionalProperties: false },
);

const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const Grant = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    refresh_token: Type.String(),
    session_id: Type.String(),
    user: UserJson,
  },
  { additionalProperties: false },
);

function contextOf(request: FastifyRequest): RequestContext {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined, requestId: request.requestId };
}

function grantJson(grant: TokenGrant): Static<typeof Grant> {
  return {
    access_token: grant.accessToken.reveal(),
    token_type: 'Bearer',
    expires_in: grant.expiresIn,
    refresh_token: grant.refreshToken.reveal(),
    session_id: grant.sessionId,
    user: userJson(grant.user),
  };
}

const MINUTE = 60_000;

export async function authRoutes(app: FastifyInstance, rampart: Rampart): Promise<void> {
  const { identity, config } = rampart;

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    {
      // The route's own per-caller window; the per-(IP, account) limit is the login service's.
      config: { access: 'public', idempotency: false, rateLimit: { max: config.loginRateLimit * 10, windowMs: MINUTE } },
      schema: {
        summary: 'Password login: an access token and a rotating refresh token',
        description:
          'A wrong email and a wrong password get the same 401 `invalid_credentials`. During an account backoff (after 5 consecutive failures) the answer is that same 401. Past the login rate limits, 429 with Retry-After.',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: Type.Union([Grant, MfaRequired]) },
      },
    },
    async (request) => {
      if (request.body.mode === 'cookie') {
        throw validationFailed([{ field: 'body.mode', reason: 'cookie sessions are not available yet' }]);
      }
      const { email, password, device_name: deviceName } = request.body;
      const outcome = await identity.login.login(
        { email, password: secret(password), ...(deviceName === undefined ? {} : { deviceName }) },
        contextOf(request),
      );
      if ('mfaToken' in outcome) return { mfa_required: true, mfa_token: outcome.mfaToken.reveal(), methods: [...outcome.methods] };
      return grantJson(outcome);
    },
  );

  app.post<{ Body: Static<typeof MfaVerifyBody> }>(
    '/api/v1/auth/mfa/verify',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.loginRateLimit * 10, windowMs: MINUTE } },
      schema: {
        summary: 'The second step of a login: a TOTP code or a recovery code for the mfa_token',
        description:
          'A wrong, replayed or used code is 401 `invalid_credentials`. After 5 attempts, or 5 minutes, or once used, the mfa_token is 401 `token_invalid`: log in again.',
        tags: ['auth'],
        body: MfaVerifyBody,
        response: { 200: Grant },
      },
    },
    async (request) =>
      grantJson(await identity.mfaLogin.verify(secret(request.body.mfa_token), secret(request.body.code), contextOf(request))),
  );

  app.post<{ Body: Static<typeof RefreshBody> }>(
    '/api/v1/auth/refresh',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.rateLimit, windowMs: MINUTE } },
      schema: {
        summary: 'Rotate a refresh token: a new access token and refresh token; the old one is spent',
        description: `Presenting a spent refresh token revokes the whole session (401 \`session_revoked\`), except within RAMPART_REFRESH_REUSE_GRACE (${config.refreshReuseGrace} s here) of its rotation, when the same successor is returned.`,
        tags: ['auth'],
        body: RefreshBody,
        response: { 200: Grant },
      },
    },
    async (request) => grantJson(await identity.refresh.refresh(secret(request.body.refresh_token), contextOf(request))),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Revoke the current session, at once on every instance', tags: ['auth'], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const sessionId = request.principal?.sessionId;
      if (sessionId === undefined) throw new DomainError('forbidden', 'This credential has no session to end');
      await identity.revoker.revoke(sessionId, 'logout');
      return reply.code(204).send();
    },
  );
}
