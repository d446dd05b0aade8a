/**
 * The installation's routes (spec "Artifacts and licences"; issue 16 item 4), public to the chain
 * (the licence key or the activation token is checked in the service):
 * - `POST /api/v1/licences/activate` `{licence_key, installation_id}` → an activation token,
 *   rate limited per address here and per licence in the service;
 * - `GET /api/v1/licences/{id}/status` with `Authorization: Bearer <activation token>` →
 *   `{valid, revoked, refresh_after, expires_at}` and, for a usable licence, a fresh token;
 * - `POST /api/v1/licences/{id}/deactivate` with the token → 204, the seat freed.
 * Answers holding a token opt out of Idempotency-Key replay and are `Cache-Control: no-store`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../kernel/domain/errors.js';
import { NO_CONTROL_CHARACTERS } from '../../kernel/http/names.js';
import { requestContext } from '../../kernel/http/request-context.js';
import type { RampartConfig } from '../../kernel/config.js';
import { ACTIVATION_TOKEN_TYPE } from '../client/activation-token-format.js';
import type { ActivationService, LicenceAnswer } from '../services/activation-service.js';
import { iso, LicenceId } from './licence-json.js';

const MINUTE = 60_000;

const TOKEN_FORMAT = `A compact JWS (RFC 7515), alg EdDSA (RFC 8037), header {"alg":"EdDSA","kid":<a licences key of GET /api/v1/artifacts/keys>,"typ":"${ACTIVATION_TOKEN_TYPE}"}; claims iss, lic (licence id), org, act (activation id), ins (installation id), product, features, iat, refresh_after, exp, grace (offline grace period, s), grace_until (exp + grace, never past the licence's expiry), licence_expires_at (null: none); times in seconds. Present it as \`Authorization: Bearer\` to the status and deactivate routes until grace_until.`;

const ActivateBody = Type.Object(
  {
    licence_key: Type.String({ minLength: 1, maxLength: 400, description: 'the key as issued (case, spaces and hyphens are ignored)' }),
    installation_id: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: NO_CONTROL_CHARACTERS,
      description: 'a stable id the installation chooses for itself; activating again with it is idempotent',
    }),
  },
  { additionalProperties: false },
);
const Answer = Type.Object(
  {
    valid: Type.Boolean({ description: 'whether the licence may be used now' }),
    revoked: Type.Boolean(),
    licence_id: Type.String(),
    activation_id: Type.Optional(Type.String({ description: 'the installation’s activation (a usable licence only)' })),
    refresh_after: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'when to check the status next; null when not valid',
    }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: "the licence's expiry; null: none" }),
    token: Type.Optional(Type.String({ description: TOKEN_FORMAT })),
    token_expires_at: Type.Optional(Type.String({ format: 'date-time', description: "the token's exp" })),
    grace_until: Type.Optional(
      Type.String({ format: 'date-time', description: 'how long the installation may keep working without a successful check' }),
    ),
  },
  { additionalProperties: false },
);
const LicenceParams = Type.Object({ id: LicenceId }, { additionalProperties: false });
const BearerHeaders = Type.Object({
  authorization: Type.Optional(Type.String({ maxLength: 8200, description: 'Bearer <activation token>' })),
});

function answerJson(answer: LicenceAnswer): Static<typeof Answer> {
  const claims = answer.claims;
  return {
    valid: answer.valid,
    revoked: answer.revoked,
    licence_id: answer.licenceId,
    ...(answer.activationId === undefined ? {} : { activation_id: answer.activationId }),
    refresh_after: claims === undefined ? null : iso(claims.refresh_after * 1000),
    expires_at: iso(answer.expiresAt),
    ...(answer.token === undefined || claims === undefined
      ? {}
      : {
          token: answer.token,
          token_expires_at: new Date(claims.exp * 1000).toISOString(),
          grace_until: new Date(claims.grace_until * 1000).toISOString(),
        }),
  };
}

function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
  if (match?.[1] === undefined) throw new DomainError('unauthenticated', 'This route needs the activation token as a Bearer credential');
  return match[1];
}

export async function activationRoutes(app: FastifyInstance, activations: ActivationService, config: RampartConfig): Promise<void> {
  const tags = ['licences'];
  const statusLimit = { max: config.licenceStatusRateLimit, windowMs: MINUTE };

  app.post<{ Body: Static<typeof ActivateBody> }>(
    '/api/v1/licences/activate',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.licenceActivationRateLimit, windowMs: MINUTE } },
      schema: {
        summary: 'Activate a licence for an installation: an activation token, up to the licence’s activation limit',
        description:
          'The same installation activating again answers its live activation with a fresh token. 400 for a key that fails its check group, 401 `invalid_credentials` for a key that is not a stored one or whose signature fails, 403 for a revoked, expired or not yet valid licence, 409 when every activation is in use, 429 past the per-address or per-licence limit.',
        tags,
        body: ActivateBody,
        response: { 200: Answer },
      },
    },
    async (request, reply) => {
      const answer = await activations.activate(request.body.licence_key, request.body.installation_id, requestContext(request));
      return reply.header('cache-control', 'no-store').send(answerJson(answer));
    },
  );

  app.get<{ Params: Static<typeof LicenceParams> }>(
    '/api/v1/licences/:id/status',
    {
      config: { access: 'public', rateLimit: statusLimit },
      schema: {
        summary: 'The licence’s status for the installation holding the token, and a fresh token while it is usable',
        description:
          'Reads the licence and the activation from the database on every call, so a revocation on any instance is seen by the next check. 401 `token_invalid` for a forged token, one of another licence or of an ended activation; 401 `token_expired` past its grace period.',
        tags,
        params: LicenceParams,
        headers: BearerHeaders,
        response: { 200: Answer },
      },
    },
    async (request, reply) => {
      const answer = await activations.status(request.params.id, bearerToken(request), requestContext(request));
      return reply.header('cache-control', 'no-store').send(answerJson(answer));
    },
  );

  app.post<{ Params: Static<typeof LicenceParams> }>(
    '/api/v1/licences/:id/deactivate',
    {
      config: { access: 'public', idempotency: false, rateLimit: statusLimit },
      schema: {
        summary: 'End the token’s activation, freeing a seat; the token is refused afterwards',
        tags,
        params: LicenceParams,
        headers: BearerHeaders,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await activations.deactivate(request.params.id, bearerToken(request), requestContext(request));
      return reply.code(204).send();
    },
  );
}
