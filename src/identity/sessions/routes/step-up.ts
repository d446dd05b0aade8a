/**
 * Step-up (docs/decisions/012-step-up.md): `POST /api/v1/auth/step-up` proves the password or a
 * second factor again on the caller's session, and the `stepUp` route option makes a route need
 * that proof within RAMPART_STEP_UP_WINDOW. Any capability's route opts in with
 * `config: { stepUp: true }`; the check runs after the body is validated, before the handler, for
 * user principals. API keys and service clients never reach such a route: each one is for users
 * only and answers them 403 `forbidden` (they have no session to step up).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { secret } from '../../../kernel/domain/secret.js';
import { requestContext, userActor } from '../../../kernel/http/request-context.js';
import type { StepUp } from '../services/step-up.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route changes what a stolen session could turn into a takeover: a user needs a login or
     * a step-up within RAMPART_STEP_UP_WINDOW, else 401 `step_up_required` with the `methods`.
     */
    stepUp?: boolean;
  }
}

const StepUpBody = Type.Union([
  Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
  Type.Object(
    { code: Type.String({ minLength: 1, maxLength: 64, description: 'A TOTP code or a recovery code' }) },
    { additionalProperties: false },
  ),
]);
const SteppedUpJson = Type.Object(
  {
    method: Type.Union([Type.Literal('password'), Type.Literal('totp'), Type.Literal('recovery_code')]),
    fresh_until: Type.String({ format: 'date-time', description: 'Until when step-up protected changes are allowed' }),
  },
  { additionalProperties: false },
);

/** Refuses a stale session on every route that declares `stepUp: true`. */
export function registerStepUpCheck(app: FastifyInstance, stepUp: Pick<StepUp, 'require'>): void {
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.routeOptions.config.stepUp !== true) return;
    const principal = request.principal;
    // Other principals are refused by the route itself (users only); none passes without a session.
    if (principal === undefined || principal.type !== 'user') return;
    await stepUp.require(principal.id, principal.sessionId, requestContext(request), `${request.method} ${request.routeOptions.url ?? ''}`);
  });
}

export async function stepUpRoutes(app: FastifyInstance, stepUp: Pick<StepUp, 'prove'>, windowSeconds: number): Promise<void> {
  app.post<{ Body: Static<typeof StepUpBody> }>(
    '/api/v1/auth/step-up',
    {
      // The body holds a secret: no idempotency fingerprint of it is stored.
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: "Prove the password or a second factor again: the caller's session is fresh for the protected changes",
        description:
          `\`{password}\` or \`{code}\` (a TOTP code or a recovery code). The session may then, for ${windowSeconds} s ` +
          '(RAMPART_STEP_UP_WINDOW), enrol a second factor and create or rotate API keys; a login counts the same. A wrong password or code: ' +
          "401 `invalid_credentials`. Each attempt, right or wrong, spends one of the account's attempts at that secret " +
          '(RAMPART_GUESS_LIMIT per RAMPART_GUESS_WINDOW, shared with every route that checks it): past them 429 `rate_limited` ' +
          'with Retry-After. A cookie session gets a new id (new cookie and `X-Rampart-CSRF`). Users only: an API key or service ' +
          'client is 403 `forbidden`.',
        tags: ['auth'],
        body: StepUpBody,
        response: { 200: SteppedUpJson },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const body = request.body;
      const proof = 'password' in body ? { password: secret(body.password) } : { code: secret(body.code) };
      const done = await stepUp.prove(actor.userId, actor.sessionId, proof, actor);
      return { method: done.method, fresh_until: new Date(done.freshUntil).toISOString() };
    },
  );
}
