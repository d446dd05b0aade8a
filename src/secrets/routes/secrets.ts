/**
 * `/api/v1/orgs/{org}/secrets*` (test/fixtures/spec-api-v1.md, "Secrets"): write a new version, list (names,
 * versions and times — never values), reveal (audited; with a version), delete (every version's
 * ciphertext). All through the request's tenant scope. `reveal` holds a value in its answer, so it
 * opts out of Idempotency-Key replay (a stored answer would keep the value in clear).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECRET_NAME_PATTERN, SECRET_VALUE_MAX_BYTES, type SecretSummary } from '../domain/secret-record.js';
import { secret } from '../../kernel/domain/secret.js';
import type { Secrets } from '../compose.js';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';
import { requestContext } from '../../kernel/http/request-context.js';
import { listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';

const SecretName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: SECRET_NAME_PATTERN,
  description: 'letters, digits, `_`, `.`, `-`',
});
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const SecretParams = Type.Object({ org: OrgParam, name: SecretName }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const PutBody = Type.Object(
  { value: Type.String({ maxLength: SECRET_VALUE_MAX_BYTES, description: `UTF-8, at most ${SECRET_VALUE_MAX_BYTES} bytes` }) },
  { additionalProperties: false },
);
const Written = Type.Object({ name: Type.String(), version: Type.Integer() }, { additionalProperties: false });
const RevealBody = Type.Union([
  Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) }, { additionalProperties: false }),
  Type.Null(),
]);
const Revealed = Type.Object({ value: Type.String(), version: Type.Integer() }, { additionalProperties: false });
const SecretJson = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer({ description: 'the newest version' }),
    min_decryption_version: Type.Integer(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

function secretJson(summary: SecretSummary): Static<typeof SecretJson> {
  return {
    name: summary.name,
    version: summary.version,
    min_decryption_version: summary.minDecryptionVersion,
    created_at: new Date(summary.createdAt).toISOString(),
    updated_at: new Date(summary.updatedAt).toISOString(),
  };
}

export async function secretRoutes(app: FastifyInstance, secrets: Pick<Secrets, 'service'>): Promise<void> {
  const { service } = secrets;
  const tags = ['secrets'];
  const READ = { permission: 'secrets.read', scope: 'org' } as const;
  const MANAGE = { permission: 'secrets.manage', scope: 'org' } as const;

  app.put<{ Params: Static<typeof SecretParams>; Body: Static<typeof PutBody> }>(
    '/api/v1/orgs/:org/secrets/:name',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Store a new version of a secret (envelope-encrypted at rest)',
        tags,
        params: SecretParams,
        body: PutBody,
        response: { 200: Written },
      },
    },
    async (request) => service.put(scopeOf(request), request.params.name, secret(request.body.value), requestContext(request)),
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/secrets',
    {
      config: { access: READ },
      schema: {
        summary: 'List the org’s secrets: names, versions and times, never values',
        description: 'By name, a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(SecretJson, 'The org’s secrets, by name, never a value') },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'org-secrets', owner: scope.orgId },
        await service.list(scope),
        request.query,
        (summary) => summary.name,
        secretJson,
      );
    },
  );

  app.post<{ Params: Static<typeof SecretParams>; Body: Static<typeof RevealBody> }>(
    '/api/v1/orgs/:org/secrets/:name/reveal',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: 'Reveal a secret’s value (the newest version, or `version`); audited',
        description:
          'A version below the secret’s `min_decryption_version` is 409 `conflict`. A stored value that fails authentication is 409 `secret_integrity_failed`, an audit entry and an alert; it is never returned.',
        tags,
        params: SecretParams,
        body: RevealBody,
        response: { 200: Revealed },
      },
    },
    async (request) => {
      const revealed = await service.reveal(scopeOf(request), request.params.name, request.body?.version, requestContext(request));
      return { value: revealed.value.reveal(), version: revealed.version };
    },
  );

  app.delete<{ Params: Static<typeof SecretParams> }>(
    '/api/v1/orgs/:org/secrets/:name',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Delete a secret: every version’s ciphertext is destroyed',
        tags,
        params: SecretParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.delete(scopeOf(request), request.params.name, requestContext(request));
      return reply.code(204).send();
    },
  );
}
