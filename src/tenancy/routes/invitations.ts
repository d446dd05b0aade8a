/**
 * Invitations (test/fixtures/spec-api-v1.md, "Added in v1.1"): an org's pending invitations and
 * their revocation (`members.manage`), and the invitee's side under `/api/v1/me` (an authenticated
 * user): their pending invitations, accept (200, the membership) or decline (204), and leaving an
 * org (204; the last owner 409). An invitation addressed to someone else is 404; an expired one 410.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Tenancy } from '../compose.js';
import type { Invitation } from '../domain/invitation.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';
import { descendingPosition, listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';

const InvitationId = Type.String({ minLength: 5, maxLength: 64, pattern: '^inv_[0-9a-f]+$' });
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const OrgInvitationParams = Type.Object({ org: OrgParam, id: InvitationId }, { additionalProperties: false });
const MyInvitationParams = Type.Object({ id: InvitationId }, { additionalProperties: false });

const OrgInvitationJson = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: Type.String(),
    invited_by: Type.String({ description: 'the inviting user’s id' }),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const MyInvitationJson = Type.Object(
  {
    id: Type.String(),
    org: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }, { additionalProperties: false }),
    role: Type.String(),
    invited_by: Type.String({ description: 'the inviting user’s id' }),
    expires_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const MembershipJson = Type.Object(
  { org_id: Type.String(), org_slug: Type.String(), role: Type.String() },
  { additionalProperties: false },
);

const iso = (ms: number): string => new Date(ms).toISOString();
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
/** Newest first: by creation time, from the latest down, then id. */
const newestFirst = (invitation: Invitation): string => `${descendingPosition(invitation.createdAt)}.${invitation.id}`;

function orgInvitationJson(invitation: Invitation): Static<typeof OrgInvitationJson> {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invited_by: invitation.invitedBy,
    created_at: iso(invitation.createdAt),
    expires_at: iso(invitation.expiresAt),
  };
}

export async function invitationRoutes(app: FastifyInstance, tenancy: Pick<Tenancy, 'invitations' | 'members'>): Promise<void> {
  const { invitations, members } = tenancy;
  const MANAGE = { permission: 'members.manage', scope: 'org' } as const;

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/invitations',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'The org’s pending invitations, newest first',
        description: 'A page at a time: `{items, next_cursor}` (spec v1.1).',
        tags: ['members'],
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(OrgInvitationJson, 'The org’s pending invitations, newest first') },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'org-invitations', owner: scope.orgId },
        await invitations.list(scope),
        request.query,
        newestFirst,
        orgInvitationJson,
      );
    },
  );

  app.delete<{ Params: Static<typeof OrgInvitationParams> }>(
    '/api/v1/orgs/:org/invitations/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Revoke a pending invitation; audited',
        tags: ['members'],
        params: OrgInvitationParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await invitations.revoke(scopeOf(request), request.params.id, tenancyActor(request));
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/me/invitations',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The caller’s pending invitations (addressed to the account’s email)',
        description: 'Newest first, a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags: ['me'],
        querystring: ListQuery,
        response: { 200: listPageSchema(MyInvitationJson, 'The caller’s pending invitations, newest first') },
      },
    },
    async (request) => {
      const { principal } = tenancyActor(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'me-invitations', owner: principal.id },
        await invitations.mine(principal),
        request.query,
        newestFirst,
        (invitation) => ({
          id: invitation.id,
          org: { ...invitation.org },
          role: invitation.role,
          invited_by: invitation.invitedBy,
          expires_at: iso(invitation.expiresAt),
        }),
      );
    },
  );

  app.post<{ Params: Static<typeof MyInvitationParams> }>(
    '/api/v1/me/invitations/:id/accept',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Accept an invitation: join its org with its role (410 once expired)',
        tags: ['me'],
        params: MyInvitationParams,
        response: { 200: MembershipJson },
      },
    },
    async (request) => {
      const joined = await invitations.accept(request.params.id, tenancyActor(request));
      return { org_id: joined.orgId, org_slug: joined.orgSlug, role: joined.role };
    },
  );

  app.post<{ Params: Static<typeof MyInvitationParams> }>(
    '/api/v1/me/invitations/:id/decline',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Decline an invitation', tags: ['me'], params: MyInvitationParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await invitations.decline(request.params.id, tenancyActor(request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/me/orgs/:org',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Leave an org (its last owner cannot: 409)',
        tags: ['me'],
        params: OrgParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await members.leave(request.params.org, tenancyActor(request));
      return reply.code(204).send();
    },
  );
}
