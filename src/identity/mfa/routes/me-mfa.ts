/**
 * The caller's TOTP enrolment (test/fixtures/spec-api-v1.md, "The caller"): start, confirm, disable. Answers
 * that hold a secret (the TOTP secret, the recovery codes) opt out of Idempotency-Key replay — a
 * stored answer would keep them in clear — and are `no-store` like every authenticated answer.
 * Starting an enrolment needs a fresh session (`stepUp`, docs/decisions/012-step-up.md); disabling
 * takes a current code or a recovery code, itself the fresh proof, under the account's guess budget.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { secret } from '../../../kernel/domain/secret.js';
import type { Identity } from '../../compose.js';
import { userActor } from '../../../kernel/http/request-context.js';

const Started = Type.Object({ secret: Type.String(), otpauth_url: Type.String() }, { additionalProperties: false });
const ConfirmBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    end_other_sessions: Type.Optional(
      Type.Boolean({ description: 'End every other session of the account (V7.4.3): only this one stays signed in. Default false' }),
    ),
  },
  { additionalProperties: false },
);
const DisableBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    keep_other_sessions: Type.Optional(
      Type.Boolean({
        description: 'Keep the account’s other sessions. By default (false) every session but this one ends with the factor (V7.4.3)',
      }),
    ),
  },
  { additionalProperties: false },
);
const Confirmed = Type.Object({ recovery_codes: Type.Array(Type.String()) }, { additionalProperties: false });

export async function meMfaRoutes(app: FastifyInstance, identity: Pick<Identity, 'mfa'>): Promise<void> {
  const { mfa } = identity;
  const tags = ['me'];

  app.post(
    '/api/v1/me/mfa/totp',
    {
      config: { access: 'authenticated', idempotency: false, stepUp: true },
      schema: {
        summary: 'Start (or restart) TOTP enrolment: the secret and its otpauth:// URI',
        description:
          'With TOTP already enabled, 409 `conflict`: disable it first. Needs a login or a `POST /api/v1/auth/step-up` within ' +
          'RAMPART_STEP_UP_WINDOW: otherwise 401 `step_up_required` with `methods`, the ways to step up.',
        tags,
        response: { 200: Started },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const started = await mfa.start(actor.userId, actor);
      return { secret: started.secret.reveal(), otpauth_url: started.otpauthUrl.reveal() };
    },
  );

  app.post<{ Body: Static<typeof ConfirmBody> }>(
    '/api/v1/me/mfa/totp/confirm',
    {
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: 'Confirm enrolment with a first code: ten recovery codes, shown once',
        description:
          'With `end_other_sessions: true`, every other session of the account (cookie and token, their refresh tokens) ends at ' +
          'once on every instance; the caller’s stays. Audited in `mfa.totp.confirm` (`details.end_other_sessions`).',
        tags,
        body: ConfirmBody,
        response: { 200: Confirmed },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const codes = await mfa.confirm(actor.userId, secret(request.body.code), actor, {
        sessionId: actor.sessionId,
        endOtherSessions: request.body.end_other_sessions === true,
      });
      return { recovery_codes: codes.map((code) => code.reveal()) };
    },
  );

  app.delete<{ Body: Static<typeof DisableBody> }>(
    '/api/v1/me/mfa/totp',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Disable TOTP (and its recovery codes) with a current code or a recovery code',
        description:
          "A wrong, replayed or used code: 400 `validation_failed`. Each code checked spends one of the account's attempts at that " +
          'kind of code (RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with the MFA login step, step-up and `DELETE /api/v1/me`): ' +
          'past them 429 `rate_limited` with Retry-After, and TOTP stays enabled. Every other session of the account ends with the ' +
          'factor (V7.4.3) unless `keep_other_sessions: true`; the caller’s stays. Audited in `mfa.totp.disable` ' +
          '(`details.end_other_sessions`).',
        tags,
        body: DisableBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      await mfa.disable(actor.userId, secret(request.body.code), actor, {
        sessionId: actor.sessionId,
        endOtherSessions: request.body.keep_other_sessions !== true,
      });
      return reply.code(204).send();
    },
  );
}
