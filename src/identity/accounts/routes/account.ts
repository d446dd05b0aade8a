/**
 * Public account routes: self-registration (test/fixtures/spec-api-v1.md, "Authentication") and
 * `POST /api/v1/auth/password/set`, an extension the spec is silent on: it spends a one-time
 * set-password token from `POST /api/v1/users` (24 h, single use) and sets the password.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { secret } from '../../../kernel/domain/secret.js';
import type { RampartConfig } from '../../../kernel/config.js';
import type { Identity } from '../../compose.js';
import { requestContext } from '../../../kernel/http/request-context.js';
import { UserJson, userJson } from './user-json.js';
import { NEW_PASSWORD_DESCRIPTION } from '../domain/password-policy.js';

const RegisterBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: NEW_PASSWORD_DESCRIPTION }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const SetBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: NEW_PASSWORD_DESCRIPTION }),
  },
  { additionalProperties: false },
);

const MINUTE = 60_000;

export async function accountRoutes(
  app: FastifyInstance,
  identity: Pick<Identity, 'registration' | 'accountPassword'>,
  config: Pick<RampartConfig, 'loginRateLimit'>,
): Promise<void> {
  const { registration, accountPassword } = identity;
  const limit = { max: config.loginRateLimit * 10, windowMs: MINUTE };

  app.post<{ Body: Static<typeof RegisterBody> }>(
    '/api/v1/auth/register',
    {
      // The body holds a password: no idempotency fingerprint (a fast hash of it) is ever stored.
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Self-registration (only when RAMPART_SELF_REGISTRATION=true, else 403)',
        description:
          'A taken email is answered exactly as a new one (201 and a user-shaped body whose id names no account); no account is created or changed, and the attempt is audited.',
        tags: ['auth'],
        body: RegisterBody,
        response: { 201: UserJson },
      },
    },
    async (request, reply) => {
      const { email, password, name } = request.body;
      const user = await registration.register(
        { email, password: secret(password), ...(name === undefined ? {} : { name }) },
        requestContext(request),
      );
      return reply.code(201).send(userJson(user));
    },
  );

  app.post<{ Body: Static<typeof SetBody> }>(
    '/api/v1/auth/password/set',
    {
      config: { access: 'public', idempotency: false, rateLimit: limit },
      schema: {
        summary: 'Set a password with a one-time set-password token (extension; single use, 24 h)',
        description:
          'The token from `POST /api/v1/users` without a password. Single use: a second use, or an expired token, answers 401 `token_invalid`. Every session of the user is revoked.',
        tags: ['auth'],
        body: SetBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await accountPassword.setWithToken(secret(request.body.token), secret(request.body.password), requestContext(request));
      return reply.code(204).send();
    },
  );
}
