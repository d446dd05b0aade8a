/**
 * `POST /api/v1/authz/check` (authenticated user or service): `{subject?, org, permission,
 * resource?}` → `{allowed, reason}`. An org the caller cannot see is 404; asking about another
 * subject needs `members.read` there. An unknown permission is an answer (`allowed: false`), not an error.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Tenancy } from '../compose.js';
import { OrgParam, tenancyActor } from '../../kernel/http/org-params.js';

const CheckBody = Type.Object(
  {
    subject: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_]+$', description: 'a user id; default: the caller' }),
    ),
    org: OrgParam,
    permission: Type.String({ minLength: 3, maxLength: 128, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' }),
    resource: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          org: Type.Optional(OrgParam),
        },
        { additionalProperties: false, description: 'the resource; when it names its org, another org is a deny' },
      ),
    ),
  },
  { additionalProperties: false },
);
const Answer = Type.Object({ allowed: Type.Boolean(), reason: Type.String() }, { additionalProperties: false });

export async function authzRoutes(app: FastifyInstance, tenancy: Pick<Tenancy, 'check'>): Promise<void> {
  const { check } = tenancy;
  app.post<{ Body: Static<typeof CheckBody> }>(
    '/api/v1/authz/check',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Ask the authorization decision', tags: ['authz'], body: CheckBody, response: { 200: Answer } },
    },
    async (request) => {
      const { subject, org, permission, resource } = request.body;
      return check.check(tenancyActor(request).principal, {
        org,
        permission,
        ...(subject === undefined ? {} : { subject }),
        ...(resource?.org === undefined ? {} : { resource: { org: resource.org } }),
      });
    },
  );
}
