/**
 * `/api/v1/orgs/{org}/clients*` (test/fixtures/spec-api-v1.md, "Authentication"): an org's OAuth service
 * clients, `clients.manage`. The create answer holds the client secret, shown once, so it opts out
 * of Idempotency-Key replay.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_JWK_MEMBER_LENGTH, serviceClientView } from '../domain/service-client.js';
import { NameString } from '../../kernel/http/names.js';
import { listCursorsOf, ListQueryProperties, listPageSchema, timePosition } from '../../kernel/http/cursor.js';
import type { Credentials } from '../compose.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';

const MANAGE = { permission: 'clients.manage', scope: 'org' } as const;
const Permission = Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' });
const JwkMember = Type.String({ minLength: 1, maxLength: MAX_JWK_MEMBER_LENGTH });
/** A public JWK: the members of an RSA, EC or OKP public key and nothing else (service-client.ts checks which per type). */
const Jwk = Type.Object(
  {
    kty: Type.Union([Type.Literal('RSA'), Type.Literal('EC'), Type.Literal('OKP')]),
    kid: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    alg: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    use: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    key_ops: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 8 })),
    n: Type.Optional(JwkMember),
    e: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    crv: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    x: Type.Optional(JwkMember),
    y: Type.Optional(JwkMember),
  },
  { additionalProperties: false },
);
const Jwks = Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 10 }) }, { additionalProperties: false });

const CreateBody = Type.Object(
  {
    name: NameString({ maxLength: 200 }),
    scopes: Type.Array(Permission, { minItems: 1, maxItems: 100 }),
    auth_method: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('private_key_jwt')]),
    jwks: Type.Optional(
      Type.Union([Jwks], { description: 'private_key_jwt: the public keys (RFC 7517 JWK Set) that sign client assertions' }),
    ),
    audiences: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
        maxItems: 10,
        description:
          'The applications (absolute https URIs, http on loopback; no fragment) this client may ask its tokens to be for, with `resource` (RFC 8707) or `audience` on the token endpoint; none by default: its tokens are for Rampart',
      }),
    ),
  },
  { additionalProperties: false },
);
const ClientJson = Type.Object(
  {
    client_id: Type.String(),
    name: Type.String(),
    org: Type.String(),
    auth_method: Type.String(),
    scopes: Type.Array(Type.String()),
    audiences: Type.Array(Type.String(), { description: 'The audiences its tokens may be issued for besides Rampart (RFC 8707)' }),
    created_by: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);
const Created = Type.Object(
  { ...ClientJson.properties, client_secret: Type.Optional(Type.String({ description: 'client_secret_basic: shown this once' })) },
  { additionalProperties: false },
);
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const ClientParams = Type.Object({ org: OrgParam, id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export async function clientRoutes(app: FastifyInstance, credentials: Pick<Credentials, 'clients'>): Promise<void> {
  const clients = credentials.clients;
  const tags = ['clients'];

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof CreateBody> }>(
    '/api/v1/orgs/:org/clients',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: "Register an OAuth service client; its scopes must be among the creator's permissions; a client secret is shown once",
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 201: Created },
      },
    },
    async (request, reply) => {
      const { name, scopes, auth_method: authMethod, jwks, audiences } = request.body;
      const created = await clients.create(
        scopeOf(request),
        { name, scopes, authMethod, ...(jwks === undefined ? {} : { jwks }), ...(audiences === undefined ? {} : { audiences }) },
        tenancyActor(request),
      );
      const secret = created.secret === undefined ? {} : { client_secret: created.secret.reveal() };
      return reply.code(201).send({ ...serviceClientView(created.client), ...secret });
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/clients',
    {
      config: { access: MANAGE },
      schema: {
        summary: "The org's service clients (never a secret)",
        description: 'Oldest first (by creation time, then id), a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(ClientJson, "The org's service clients") },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'org-clients', owner: scope.orgId },
        await clients.list(scope),
        request.query,
        (client) => timePosition(client.createdAt, client.id),
        serviceClientView,
      );
    },
  );

  app.delete<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/orgs/:org/clients/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Revoke a client and every token it holds, at once on every instance',
        tags,
        params: ClientParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await clients.revoke(scopeOf(request), request.params.id, tenancyActor(request));
      return reply.code(204).send();
    },
  );
}
