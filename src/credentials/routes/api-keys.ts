/**
 * `/api/v1/api-keys*` (test/fixtures/spec-api-v1.md, "API keys"): the calling user's keys. The key is in the
 * answer of create and rotate only, so those routes opt out of Idempotency-Key replay (an answer
 * holding a secret is never stored).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey } from '../domain/api-key.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import type { Credentials } from '../compose.js';
import type { KeyActor } from '../services/api-key-service.js';
import { NameString } from '../../kernel/http/names.js';
import { requestContext } from '../../kernel/http/request-context.js';
import { DEFAULT_LIST_LIMIT, listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';

const Permission = Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' });
const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });

const CreateBody = Type.Object(
  {
    name: NameString({ maxLength: 200 }),
    scopes: Type.Array(Permission, { minItems: 1, maxItems: 100 }),
    org: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Org id or slug; required for org-scoped scopes' })),
    expires_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
/** An API key as answers show it: metadata, never the key or its hash. */
export const KeyJson = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: '`rk_` and the first characters of the key' }),
    scopes: Type.Array(Type.String()),
    org: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    replaced_by: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
const Issued = Type.Object(
  { ...KeyJson.properties, key: Type.String({ description: 'The key (`rk_…`), shown this once' }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const Page = listPageSchema(KeyJson, "The caller's API keys, in a stable order (by id), never the key itself");
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const RotateBody = Type.Union([
  Type.Object(
    {
      grace_seconds: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 86_400, description: 'How long the old key keeps working (default 0)' }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function keyJson(key: ApiKey): Static<typeof KeyJson> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    org: key.orgId,
    created_at: new Date(key.createdAt).toISOString(),
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
    replaced_by: key.replacedBy,
  };
}

/** Only a user makes and manages API keys (a key cannot mint keys). */
function keyActor(request: FastifyRequest): KeyActor {
  const principal = request.principal;
  if (principal === undefined || principal.type !== 'user') throw new DomainError('forbidden', 'Only a user manages API keys');
  return { ...requestContext(request), principal };
}

export async function apiKeyRoutes(app: FastifyInstance, credentials: Pick<Credentials, 'apiKeys'>): Promise<void> {
  const keys = credentials.apiKeys;
  const tags = ['api-keys'];

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/api-keys',
    {
      // A key outlives the session that made it: a stolen session must prove a fresh authentication first.
      config: { access: 'authenticated', idempotency: false, stepUp: true },
      schema: {
        summary: "Create an API key; its scopes must be among the creator's permissions; the key is shown once",
        description:
          'Needs a login or a `POST /api/v1/auth/step-up` within RAMPART_STEP_UP_WINDOW: otherwise 401 `step_up_required` with ' +
          '`methods`, the ways to step up. Users only: an API key or a service client is 403 `forbidden`.',
        tags,
        body: CreateBody,
        response: { 201: Issued },
      },
    },
    async (request, reply) => {
      const { name, scopes, org, expires_at: expiresAt } = request.body;
      const expires = expiresAt === undefined ? undefined : Date.parse(expiresAt);
      if (expires !== undefined && !Number.isFinite(expires))
        throw validationFailed([{ field: 'body.expires_at', reason: 'is not a date-time' }]);
      const issued = await keys.create(
        { name, scopes, ...(org === undefined ? {} : { org }), ...(expires === undefined ? {} : { expiresAt: expires }) },
        keyActor(request),
      );
      return reply.code(201).send({ ...keyJson(issued.key), key: issued.secret.reveal() });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/api-keys',
    {
      config: { access: 'authenticated' },
      schema: { summary: "The caller's API keys (never the key itself), by cursor", tags, querystring: ListQuery, response: { 200: Page } },
    },
    async (request) => {
      const actor = keyActor(request);
      const cursors = listCursorsOf(request);
      const binding = { list: 'api-keys', owner: actor.principal.id };
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const rows = await keys.list(actor.principal.id, cursors.open(binding, request.query.cursor), limit + 1);
      return cursors.page(binding, rows, limit, (key) => key.id, keyJson);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RotateBody> }>(
    '/api/v1/api-keys/:id/rotate',
    {
      // A rotation creates a key: it needs the fresh authentication a creation needs.
      config: { access: 'authenticated', idempotency: false, stepUp: true },
      schema: {
        summary: 'Replace a key by a new one (shown once); the old one keeps working for grace_seconds (default 0, at most 24 h)',
        tags,
        params: IdParams,
        body: RotateBody,
        response: { 201: Issued },
      },
    },
    async (request, reply) => {
      const issued = await keys.rotate(request.params.id, request.body?.grace_seconds ?? 0, keyActor(request));
      return reply.code(201).send({ ...keyJson(issued.key), key: issued.secret.reveal() });
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Revoke a key, at once on every instance', tags, params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await keys.revoke(request.params.id, keyActor(request));
      return reply.code(204).send();
    },
  );
}
