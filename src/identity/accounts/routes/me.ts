/** `GET /api/v1/me`: the caller's account, memberships and MFA status (test/fixtures/spec-api-v1.md, "The caller"). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { CurrentUser } from '../services/current-user.js';
import { UserJson, userJson } from './user-json.js';

const Me = Type.Object(
  {
    user: UserJson,
    memberships: Type.Array(
      Type.Object({ org_id: Type.String(), org_slug: Type.String(), role: Type.String() }, { additionalProperties: false }),
    ),
    mfa: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export async function meRoutes(app: FastifyInstance, currentUser: CurrentUser): Promise<void> {
  app.get(
    '/api/v1/me',
    { config: { access: 'authenticated' }, schema: { summary: 'The caller', tags: ['me'], response: { 200: Me } } },
    async (request) => {
      const principal = request.principal;
      if (principal === undefined || principal.type !== 'user') throw new DomainError('forbidden', 'Only a user has a /me');
      const view = await currentUser.describe(principal.id);
      return {
        user: userJson(view.user),
        memberships: view.memberships.map((m) => ({ org_id: m.orgId, org_slug: m.orgSlug, role: m.role })),
        mfa: { enabled: view.mfaEnabled },
      };
    },
  );
}
