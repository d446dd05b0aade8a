/**
 * The email routes (test/fixtures/spec-api-v1.md, "Email, recovery and identities"; issue 17,
 * item 1): verification, password reset, and — an extension the spec is silent on — moving the
 * account to a new address (`POST /api/v1/me/email`, step-up required). The public routes keep no
 * idempotency fingerprint: their bodies hold a token, a password or an address to look up.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RampartConfig } from '../../../kernel/config.js';
import { secret } from '../../../kernel/domain/secret.js';
import { requestContext, userActor } from '../../../kernel/http/request-context.js';
import { NEW_PASSWORD_DESCRIPTION } from '../../accounts/domain/password-policy.js';
import { CONFIRM_PAGE, RESET_PAGE, SEND_WINDOW_MS, SENDS_PER_WINDOW, type EmailFlows } from '../services/email-flows.js';

const EMAIL = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$', description: 'An email address' });
const TOKEN = Type.String({ minLength: 1, maxLength: 200, description: 'The one-time token from the mailed link (`token=`)' });

const ConfirmBody = Type.Object({ token: TOKEN }, { additionalProperties: false });
const ForgotBody = Type.Object({ email: EMAIL }, { additionalProperties: false });
const ResetBody = Type.Object(
  {
    token: TOKEN,
    new_password: Type.String({ minLength: 1, maxLength: 1024, description: NEW_PASSWORD_DESCRIPTION }),
  },
  { additionalProperties: false },
);
const ChangeBody = Type.Object(
  { email: Type.String({ ...EMAIL, description: 'The new address: the confirmation link goes there' }) },
  { additionalProperties: false },
);

/** The answer of every route that queues a mail: the same body whatever happened behind it. */
const Accepted = Type.Object(
  { accepted: Type.Literal(true, { description: 'The request was taken; any mail it causes is queued for delivery' }) },
  { additionalProperties: false, description: 'Accepted' },
);
const ACCEPTED = { accepted: true } as const;

const MINUTE = 60_000;
const limits = `At most ${SENDS_PER_WINDOW} mails per account and per address every ${SEND_WINDOW_MS / MINUTE} minutes: past that 429 \`rate_limited\` with Retry-After.`;

export async function emailRoutes(
  app: FastifyInstance,
  flows: EmailFlows,
  config: Pick<RampartConfig, 'loginRateLimit' | 'publicUrl'>,
): Promise<void> {
  const limit = { max: config.loginRateLimit * 10, windowMs: MINUTE };
  const base = config.publicUrl.replace(/\/+$/, '');

  app.post(
    '/api/v1/me/email/verify',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "Mail the caller a link that verifies the account's email address",
        description:
          `202: a mail with a one-time link (\`${base}${CONFIRM_PAGE}?token=…\`, a front-end page that posts the token to ` +
          '`POST /api/v1/auth/email/confirm`) and the token itself is queued; it works once, for 24 hours, while the account keeps ' +
          'this address; a newer request replaces it. An address already verified: 409 `conflict`. ' +
          limits,
        tags: ['me'],
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      await flows.requestVerification(userActor(request));
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post<{ Body: Static<typeof ChangeBody> }>(
    '/api/v1/me/email',
    {
      config: { access: 'authenticated', stepUp: true },
      schema: {
        summary: 'Move the account to a new email address (extension; step-up required)',
        description:
          'Needs a fresh authentication (`POST /api/v1/auth/step-up`, else 401 `step_up_required`). 202: a confirmation link ' +
          `(\`${base}${CONFIRM_PAGE}?token=…\`, one hour, single use) goes to the NEW address; nothing changes until it is ` +
          'confirmed at `POST /api/v1/auth/email/confirm`, which switches the address (verified) and tells the old one. The answer is ' +
          'the same when another account has the new address (its owner is told instead, and a confirmation would be 409). The current ' +
          'address: 400 `validation_failed`. ' +
          limits,
        tags: ['me'],
        body: ChangeBody,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      await flows.requestChange(userActor(request), request.body.email);
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post<{ Body: Static<typeof ConfirmBody> }>(
    '/api/v1/auth/email/confirm',
    {
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Confirm an email address with a mailed token (verification or address change)',
        description:
          "204: a verification token marks the account's address verified (`email_verified: true`); an address-change token " +
          'moves the account to the new address, verified, and tells the old address. An unknown, used or expired token, or one ' +
          'for an address the account no longer has: 401 `token_invalid`, and nothing changes. The new address taken by another ' +
          'account meanwhile: 409 `conflict`, and nothing changes.',
        tags: ['auth'],
        body: ConfirmBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await flows.confirm(secret(request.body.token), requestContext(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof ForgotBody> }>(
    '/api/v1/auth/password/forgot',
    {
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Ask for a password-reset mail',
        description:
          '202 with the same body, after the same work, whether or not an account has the address; only an active account is ' +
          `mailed, a link (\`${base}${RESET_PAGE}?token=…\`, a front-end page that posts the token to ` +
          '`POST /api/v1/auth/password/reset`) and the token: 256 bits, single use, 30 minutes; a newer request replaces it. ' +
          `At most ${SENDS_PER_WINDOW} requests per address every ${SEND_WINDOW_MS / MINUTE} minutes, counted whether or not ` +
          'an account has it: past that 429 `rate_limited` with Retry-After.',
        tags: ['auth'],
        body: ForgotBody,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      await flows.forgot(request.body.email, requestContext(request));
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post<{ Body: Static<typeof ResetBody> }>(
    '/api/v1/auth/password/reset',
    {
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Set a new password with a mailed reset token',
        description:
          '204: the password is set, the login backoff cleared, the address counts as verified, and every session of the account ' +
          'is revoked on every instance (access tokens refused at once). The password policy applies (400 `validation_failed`, ' +
          'the token unspent). An unknown, used or expired token (30 minutes), or one mailed to an address the account no longer ' +
          'has: 401 `token_invalid`, and nothing changes.',
        tags: ['auth'],
        body: ResetBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await flows.reset(secret(request.body.token), secret(request.body.new_password), requestContext(request));
      return reply.code(204).send();
    },
  );
}
