/**
 * Signing in and stepping up with a passkey (spec "Passkeys (WebAuthn)"):
 * - `POST /api/v1/auth/passkey/options` → request options: without a body or with `{email}`, for a
 *   first-factor sign-in (the same shape whatever the email); with `{mfa_token}`, for the second
 *   step of a password login whose `methods` include `passkey`;
 * - `POST /api/v1/auth/passkey/verify` → the login answer (identity's `LoginAnswer`): a session
 *   in token or cookie mode, exactly as a password login opens it;
 * - `POST /api/v1/auth/step-up/passkey/options` and `POST /api/v1/auth/step-up/passkey`: the
 *   caller's session proves a passkey again and is fresh for RAMPART_STEP_UP_WINDOW.
 * Public routes carry the login routes' rate limit; answers with tokens are never replayed.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import type { RampartConfig } from '../../kernel/config.js';
import { validationFailed } from '../../kernel/domain/errors.js';
import { secret } from '../../kernel/domain/secret.js';
import { requestContext, userActor } from '../../kernel/http/request-context.js';
import { LoginAnswer } from '../../identity/index.js';
import type { Passkeys } from '../compose.js';
import { AuthenticationResponse, RequestOptions } from './webauthn-json.js';

const MfaToken = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The `mfa_token` of a password login that answered `mfa_required`',
});
const Mode = Type.Optional(
  Type.Union([Type.Literal('token'), Type.Literal('cookie')], { description: 'The session to open: tokens (default) or a browser cookie' }),
);
const OptionsBody = Type.Union([
  Type.Object(
    {
      email: Type.Optional(
        Type.String({
          minLength: 3,
          maxLength: 254,
          description: 'Only a passkey of this account is accepted; the answer is the same either way',
        }),
      ),
      mfa_token: Type.Optional(MfaToken),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
const VerifyBody = Type.Object(
  {
    response: AuthenticationResponse,
    mfa_token: Type.Optional(MfaToken),
    mode: Mode,
    device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })),
  },
  { additionalProperties: false },
);
const StepUpBody = Type.Object({ response: AuthenticationResponse }, { additionalProperties: false });
const SteppedUp = Type.Object(
  {
    method: Type.Literal('passkey'),
    fresh_until: Type.String({ format: 'date-time', description: 'Until when step-up protected changes are allowed' }),
  },
  { additionalProperties: false },
);

const MINUTE = 60_000;
const VERIFY_PATH = '/api/v1/auth/passkey/verify';

export async function authPasskeyRoutes(
  app: FastifyInstance,
  passkeys: Pick<Passkeys, 'signIn' | 'stepUp' | 'identity'>,
  config: Pick<RampartConfig, 'loginRateLimit' | 'stepUpWindow'>,
): Promise<void> {
  const tags = ['auth'];
  const rateLimit = { max: config.loginRateLimit * 10, windowMs: MINUTE };
  const { signIn: responder, mfaLogin } = passkeys.identity;

  app.post<{ Body: Static<typeof OptionsBody> }>(
    '/api/v1/auth/passkey/options',
    {
      config: { access: 'public', idempotency: false, rateLimit },
      schema: {
        summary: 'Sign-in options for a passkey (WebAuthn `PublicKeyCredentialRequestOptionsJSON`)',
        description:
          'Without a body (or `{}`): a username-less sign-in, any passkey of this RP. With `{email}`: only a passkey of that account ' +
          'will be accepted, and the answer has the same shape whether or not the account exists or has passkeys. With `{mfa_token}`: ' +
          "the second step of a password login whose `methods` include `passkey`; the options list that account's passkeys, and each " +
          "request spends one of the token's 5 attempts (an invalid token: 401 `token_invalid`). `email` and `mfa_token` together: " +
          '400 `validation_failed`. The challenge is single use and valid 5 minutes; user verification is required.',
        tags,
        body: OptionsBody,
        response: { 200: RequestOptions },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      if (body.email !== undefined && body.mfa_token !== undefined) {
        throw validationFailed([{ field: 'body.mfa_token', reason: 'cannot be sent with email' }]);
      }
      const context = requestContext(request);
      if (body.mfa_token !== undefined) return passkeys.signIn.mfaOptions(secret(body.mfa_token), context);
      return passkeys.signIn.options(body.email, context);
    },
  );

  app.post<{ Body: Static<typeof VerifyBody> }>(
    VERIFY_PATH,
    {
      config: { access: 'public', idempotency: false, rateLimit },
      schema: {
        summary: 'Sign in with a passkey: the login answer',
        description:
          '`response` is the `navigator.credentials.get` result as JSON (`toJSON()`). Without `mfa_token`: a first-factor sign-in; ' +
          'the passkey is user-verified, so it is two factors and the session opens without the MFA step. With `mfa_token`: the ' +
          'second step of that password login (it spends the token as `POST /api/v1/auth/mfa/verify` would). A response that does ' +
          'not answer a live challenge of this ceremony, comes from another origin or RP ID, lacks user verification, is signed by ' +
          'an unknown credential or by a credential of another account, or shows a signature counter that went backwards (a cloned ' +
          'authenticator, raised as a `security.alert`): 401 `invalid_credentials`. `mode: "cookie"` (with an allowed Origin) and a ' +
          '`DPoP` header (htu this URL) work as on the password login; a disabled account is 401 `invalid_credentials`.',
        tags,
        body: VerifyBody,
        response: { 200: LoginAnswer },
      },
    },
    async (request, reply) => {
      const { response, mfa_token: mfaToken, mode, device_name: deviceName } = request.body;
      const assertion = response as AuthenticationResponseJSON;
      const context = requestContext(request);
      if (mfaToken !== undefined) {
        const binding = await responder.bindingOf(request, { mode, path: VERIFY_PATH });
        const userId = await passkeys.signIn.verifyForLogin(secret(mfaToken), assertion, context);
        const grant = await mfaLogin.completeProven(secret(mfaToken), { userId, method: 'passkey' }, context, binding);
        return responder.answer(request, reply, grant);
      }
      const user = await passkeys.signIn.verify(assertion, context);
      return responder.complete(
        request,
        reply,
        user,
        { firstFactor: 'passkey', multiFactor: true, ...(deviceName === undefined ? {} : { deviceName }) },
        { mode, path: VERIFY_PATH },
      );
    },
  );

  app.post(
    '/api/v1/auth/step-up/passkey/options',
    {
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: "Step-up options: a passkey assertion of the caller's session (WebAuthn request options)",
        description:
          "The options list the caller's passkeys; the challenge is bound to this session, single use, valid 5 minutes. Users on a " +
          'session only: an API key or a service client is 403 `forbidden`.',
        tags,
        response: { 200: RequestOptions },
      },
    },
    async (request) => passkeys.stepUp.options(userActor(request)),
  );

  app.post<{ Body: Static<typeof StepUpBody> }>(
    '/api/v1/auth/step-up/passkey',
    {
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: "Step up with a passkey: the caller's session is fresh for the protected changes",
        description:
          `A user-verified assertion by one of the caller's passkeys, answering options of this session, counts as a fresh ` +
          `authentication for ${config.stepUpWindow} s (RAMPART_STEP_UP_WINDOW), like \`POST /api/v1/auth/step-up\` with a password ` +
          'or a code: password change, MFA and passkey removal, API key creation. Any other response: 401 `invalid_credentials`. ' +
          'A cookie session gets a new id (new cookie and `X-Rampart-CSRF`).',
        tags,
        body: StepUpBody,
        response: { 200: SteppedUp },
      },
    },
    async (request) => {
      const done = await passkeys.stepUp.prove(userActor(request), request.body.response as AuthenticationResponseJSON);
      return { method: 'passkey' as const, fresh_until: new Date(done.freshUntil).toISOString() };
    },
  );
}
