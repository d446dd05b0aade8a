/**
 * `/api/v1/orgs/{org}/roles*`: list built-in and custom roles (`org.read`), create or replace a
 * custom role (`roles.manage`; each change a new version, audited with before and after), and a
 * custom role's history (`roles.manage` or `audit.read`: the route admits members, the service
 * checks either permission).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ROLE_NAME_PATTERN } from '../domain/org.js';
import type { Tenancy } from '../compose.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';

const PermissionName = Type.String({ minLength: 3, maxLength: 128, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' });
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const RoleParams = Type.Object(
  { org: OrgParam, name: Type.String({ minLength: 1, maxLength: 64, pattern: ROLE_NAME_PATTERN }) },
  { additionalProperties: false },
);
const RoleJson = Type.Object(
  { name: Type.String(), builtin: Type.Boolean(), permissions: Type.Array(Type.String()), version: Type.Integer() },
  { additionalProperties: false },
);
const PutBody = Type.Object({ permissions: Type.Array(PermissionName, { maxItems: 256 }) }, { additionalProperties: false });
const HistoryJson = Type.Object(
  {
    name: Type.String(),
    versions: Type.Array(
      Type.Object(
        {
          version: Type.Integer(),
          permissions: Type.Array(Type.String()),
          actor_id: Type.Union([Type.String(), Type.Null()]),
          created_at: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export async function roleRoutes(app: FastifyInstance, tenancy: Pick<Tenancy, 'roles'>): Promise<void> {
  const { roles } = tenancy;
  const tags = ['roles'];

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org/roles',
    {
      config: { access: { permission: 'org.read', scope: 'org' } },
      schema: {
        summary: 'Built-in and custom roles, with permissions and version',
        tags,
        params: OrgParams,
        response: { 200: Type.Object({ roles: Type.Array(RoleJson) }, { additionalProperties: false }) },
      },
    },
    async (request) => ({ roles: [...(await roles.list(scopeOf(request)))] }),
  );

  app.put<{ Params: Static<typeof RoleParams>; Body: Static<typeof PutBody> }>(
    '/api/v1/orgs/:org/roles/:name',
    {
      config: { access: { permission: 'roles.manage', scope: 'org' } },
      schema: {
        summary: 'Create (201) or replace (200) a custom role: a new version, audited with before and after',
        tags,
        params: RoleParams,
        body: PutBody,
        response: { 200: RoleJson, 201: RoleJson },
      },
    },
    async (request, reply) => {
      const { role, created } = await roles.put(scopeOf(request), request.params.name, request.body.permissions, tenancyActor(request));
      return reply.code(created ? 201 : 200).send(role);
    },
  );

  app.get<{ Params: Static<typeof RoleParams> }>(
    '/api/v1/orgs/:org/roles/:name/history',
    {
      config: { access: { permission: 'org.read', scope: 'org' } },
      schema: {
        summary: 'Every version of a custom role, newest first (roles.manage or audit.read)',
        tags,
        params: RoleParams,
        response: { 200: HistoryJson },
      },
    },
    async (request) => {
      const versions = await roles.history(scopeOf(request), request.params.name);
      return {
        name: request.params.name,
        versions: versions.map((v) => ({
          version: v.version,
          permissions: [...v.permissions],
          actor_id: v.actorId,
          created_at: new Date(v.createdAt).toISOString(),
        })),
      };
    },
  );
}
