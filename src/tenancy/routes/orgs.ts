/**
 * `/api/v1/orgs` and `/api/v1/orgs/{org}` (test/fixtures/spec-api-v1.md, "Organisations, members, roles"):
 * create (authenticated; the creator becomes owner), list the caller's, read (`org.read`), delete
 * (`org.delete`, which removes every row of the org's tenant data). Also registers the members,
 * invitations (and leaving), roles and authz-check routes, so index.ts stays one line for the family.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SLUG_PATTERN, type Org } from '../domain/org.js';
import type { Tenancy } from '../compose.js';
import { authzRoutes } from './authz.js';
import { invitationRoutes } from './invitations.js';
import { memberRoutes } from './members.js';
import { NameString } from '../../kernel/http/names.js';
import { listCursorsOf, ListQueryProperties, listPageSchema, timePosition } from '../../kernel/http/cursor.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';
import { roleRoutes } from './roles.js';

const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });

const OrgJson = Type.Object(
  { id: Type.String(), slug: Type.String(), name: Type.String(), created_at: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
const OrgListJson = listPageSchema(
  Type.Object(
    { ...OrgJson.properties, role: Type.String({ description: "The caller's role in the org" }) },
    { additionalProperties: false },
  ),
  'The orgs the caller belongs to, oldest first (by creation time, then id)',
);
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const CreateBody = Type.Object(
  {
    name: NameString({ maxLength: 200 }),
    slug: Type.Optional(Type.String({ minLength: 2, maxLength: 64, pattern: SLUG_PATTERN })),
  },
  { additionalProperties: false },
);

export function orgJson(org: Org): Static<typeof OrgJson> {
  return { id: org.id, slug: org.slug, name: org.name, created_at: new Date(org.createdAt).toISOString() };
}

export async function orgRoutes(
  app: FastifyInstance,
  tenancy: Pick<Tenancy, 'orgs' | 'members' | 'roles' | 'check' | 'invitations'>,
): Promise<void> {
  const { orgs } = tenancy;
  const tags = ['orgs'];

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/orgs',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Create an org; the caller becomes its owner; slugs are unique (409)',
        tags,
        body: CreateBody,
        response: { 201: OrgJson },
      },
    },
    async (request, reply) => {
      const { name, slug } = request.body;
      const org = await orgs.create({ name, ...(slug === undefined ? {} : { slug }) }, tenancyActor(request));
      return reply.code(201).send(orgJson(org));
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The orgs the caller belongs to, with its role',
        description: 'A page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        querystring: ListQuery,
        response: { 200: OrgListJson },
      },
    },
    async (request) => {
      const { principal } = tenancyActor(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'orgs', owner: principal.id },
        await orgs.list(principal),
        request.query,
        (org) => timePosition(org.createdAt, org.id),
        (org) => ({ ...orgJson(org), role: org.role }),
      );
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org',
    {
      config: { access: { permission: 'org.read', scope: 'org' } },
      schema: { summary: 'Read an org (by id or slug)', tags, params: OrgParams, response: { 200: OrgJson } },
    },
    async (request) => orgJson(await orgs.get(scopeOf(request))),
  );

  app.delete<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org',
    {
      config: { access: { permission: 'org.delete', scope: 'org' } },
      schema: {
        summary: 'Delete an org and every row of its tenant data, in one transaction; audited',
        tags,
        params: OrgParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await orgs.delete(scopeOf(request), tenancyActor(request));
      return reply.code(204).send();
    },
  );

  await memberRoutes(app, tenancy);
  await invitationRoutes(app, tenancy);
  await roleRoutes(app, tenancy);
  await authzRoutes(app, tenancy);
}
