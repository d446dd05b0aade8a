/**
 * `/api/v1/orgs/{org}/members*`: list (`members.read`); invite by email (202, an invitation: the
 * same answer whether or not the email has an account) or, for platform admins only, add an
 * account by its id (201); change a role, remove (`members.manage`); and a member's effective
 * permissions (`members.read`). Nobody grants a role above their own; the last owner stays (409).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { validationFailed } from '../../kernel/domain/errors.js';
import { ROLE_NAME_PATTERN, type Member } from '../domain/org.js';
import type { Tenancy } from '../compose.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';
import { listCursorsOf, ListQueryProperties, listPageSchema, timePosition } from '../../kernel/http/cursor.js';

const Role = Type.String({ minLength: 1, maxLength: 64, pattern: ROLE_NAME_PATTERN });
const UserId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_]+$' });
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const MemberParams = Type.Object({ org: OrgParam, user_id: UserId }, { additionalProperties: false });

const MemberJson = Type.Object(
  {
    user_id: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const AddBody = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })),
    user_id: Type.Optional(UserId),
    role: Role,
  },
  {
    additionalProperties: false,
    description: 'exactly one of email (an invitation) and user_id (a direct add: platform admins only)',
  },
);
const InvitedJson = Type.Object(
  { invitation_id: Type.String(), expires_at: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
const PatchBody = Type.Object({ role: Role }, { additionalProperties: false });
const PermissionsJson = Type.Object(
  {
    user_id: Type.String(),
    role: Type.String(),
    permissions: Type.Array(Type.Object({ permission: Type.String(), role: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

function memberJson(member: Member): Static<typeof MemberJson> {
  return {
    user_id: member.userId,
    email: member.email,
    name: member.name,
    role: member.role,
    created_at: new Date(member.createdAt).toISOString(),
  };
}

export async function memberRoutes(app: FastifyInstance, tenancy: Pick<Tenancy, 'members' | 'invitations'>): Promise<void> {
  const { members, invitations } = tenancy;
  const tags = ['members'];
  const READ = { permission: 'members.read', scope: 'org' } as const;
  const MANAGE = { permission: 'members.manage', scope: 'org' } as const;

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/members',
    {
      config: { access: READ },
      schema: {
        summary: 'List the members of an org',
        description:
          'Longest-standing first (by the time they joined, then user id), a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(MemberJson, "The org's members") },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'org-members', owner: scope.orgId },
        await members.list(scope),
        request.query,
        (member) => timePosition(member.createdAt, member.userId),
        memberJson,
      );
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof AddBody> }>(
    '/api/v1/orgs/:org/members',
    {
      config: { access: MANAGE },
      schema: {
        summary:
          'Invite by email (202, whether or not the email has an account; nothing changes until the invitee accepts) or, as a platform admin, add an account by id (201); the role no higher than the caller’s',
        tags,
        params: OrgParams,
        body: AddBody,
        response: { 201: MemberJson, 202: InvitedJson },
      },
    },
    async (request, reply) => {
      const { email, user_id: userId, role } = request.body;
      if ((email === undefined) === (userId === undefined)) {
        throw validationFailed([{ field: 'email', reason: 'give exactly one of email and user_id' }]);
      }
      if (email !== undefined) {
        const invitation = await invitations.invite(scopeOf(request), email, role, tenancyActor(request));
        return reply.code(202).send({ invitation_id: invitation.id, expires_at: new Date(invitation.expiresAt).toISOString() });
      }
      const member = await members.addDirect(scopeOf(request), userId ?? '', role, tenancyActor(request));
      return reply.code(201).send(memberJson(member));
    },
  );

  app.patch<{ Params: Static<typeof MemberParams>; Body: Static<typeof PatchBody> }>(
    '/api/v1/orgs/:org/members/:user_id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Change a member’s role; the last owner cannot be demoted (409)',
        tags,
        params: MemberParams,
        body: PatchBody,
        response: { 200: MemberJson },
      },
    },
    async (request) =>
      memberJson(await members.setRole(scopeOf(request), request.params.user_id, request.body.role, tenancyActor(request))),
  );

  app.delete<{ Params: Static<typeof MemberParams> }>(
    '/api/v1/orgs/:org/members/:user_id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Remove a member; the last owner cannot be removed (409)',
        tags,
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await members.remove(scopeOf(request), request.params.user_id, tenancyActor(request));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof MemberParams> }>(
    '/api/v1/orgs/:org/members/:user_id/permissions',
    {
      config: { access: READ },
      schema: {
        summary: 'A member’s effective permissions, each with the role that grants it',
        tags,
        params: MemberParams,
        response: { 200: PermissionsJson },
      },
    },
    async (request) => {
      const result = await members.permissions(scopeOf(request), request.params.user_id);
      return { user_id: request.params.user_id, role: result.role, permissions: [...result.permissions] };
    },
  );
}
