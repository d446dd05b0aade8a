/**
 * `/api/v1/orgs/{org}/clients*` (test/fixtures/spec-api-v1.md, "Authentication"): an org's OAuth service
 * clients, `clients.manage`. The create answer holds the client secret, shown once, so it opts out
 * of Idempotency-Key replay.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_JWK_MEMBER_LENGTH, serviceClientView } from '../domain/service-client.js';
import { NameString } from '../../kernel/http/names.js';
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
      const { name, scopes, auth_method: authMethod, jwks } = request.body;
      const created = await clients.create(
        scopeOf(request),
        { name, scopes, authMethod, ...(jwks === undefined ? {} : { jwks }) },
        tenancyActor(request),
      );
      const secret = created.secret === undefined ? {} : { client_secret: created.secret.reveal() };
      return reply.code(201).send({ ...serviceClientView(created.client), ...secret });
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org/clients',
    {
      config: { access: MANAGE },
      schema: {
        summary: "The org's service clients (never a secret)",
        tags,
        params: OrgParams,
        response: { 200: Type.Object({ clients: Type.Array(ClientJson) }, { additionalProperties: false }) },
      },
    },
    async (request) => ({ clients: (await clients.list(scopeOf(request))).map(serviceClientView) }),
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
