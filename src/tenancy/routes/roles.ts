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
import { descendingPosition, listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';

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
const VersionJson = Type.Object(
  {
    version: Type.Integer(),
    permissions: Type.Array(Type.String()),
    actor_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const HistoryJson = listPageSchema(VersionJson, "The role's versions, newest first");
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
/** Built-in roles first, in their fixed order, then custom roles by name. */
function rolePosition(role: { readonly name: string; readonly builtin: boolean }, index: number): string {
  return role.builtin ? `0.${String(index).padStart(4, '0')}` : `1.${role.name}`;
}

export async function roleRoutes(app: FastifyInstance, tenancy: Pick<Tenancy, 'roles'>): Promise<void> {
  const { roles } = tenancy;
  const tags = ['roles'];

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/roles',
    {
      config: { access: { permission: 'org.read', scope: 'org' } },
      schema: {
        summary: 'Built-in and custom roles, with permissions and version',
        description: 'Built-in roles first, then custom roles by name, a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(RoleJson, "The org's roles") },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const listed = (await roles.list(scope)).map((role, index) => ({ role, position: rolePosition(role, index) }));
      return listCursorsOf(request).pageInMemory(
        { list: 'org-roles', owner: scope.orgId },
        listed,
        request.query,
        (entry) => entry.position,
        (entry) => entry.role,
      );
    },
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

  app.get<{ Params: Static<typeof RoleParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/roles/:name/history',
    {
      config: { access: { permission: 'org.read', scope: 'org' } },
      schema: {
        summary: 'Every version of a custom role, newest first (roles.manage or audit.read)',
        description: 'A page at a time: `{items, next_cursor}` (spec v1.1); the role is the one the path names.',
        tags,
        params: RoleParams,
        querystring: ListQuery,
        response: { 200: HistoryJson },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const versions = await roles.history(scope, request.params.name);
      return listCursorsOf(request).pageInMemory(
        { list: `org-role-history/${request.params.name}`, owner: scope.orgId },
        versions,
        request.query,
        (v) => descendingPosition(v.version),
        (v) => ({
          version: v.version,
          permissions: [...v.permissions],
          actor_id: v.actorId,
          created_at: new Date(v.createdAt).toISOString(),
        }),
      );
    },
  );
}
