/**
 * The kill switch's routes (V7.4.5; identity/sessions/services/kill-switch.ts): every session of an
 * org's members, or of the whole deployment, ended at once. Both need a fresh authentication
 * (`stepUp`): a stolen session that is not fresh cannot pull the switch on everyone else.
 * - `POST /api/v1/orgs/{org}/sessions/revoke-all`: `members.manage` in the org;
 * - `POST /api/v1/sessions/revoke-all`: `users.manage` on the platform (platform admins).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OrgParam, scopeOf } from '../../../kernel/http/org-params.js';
import { userActor } from '../../../kernel/http/request-context.js';
import type { KillSwitch, KillSwitchResult } from '../services/kill-switch.js';

const RevokeAllBody = Type.Object(
  {
    keep_current: Type.Optional(
      Type.Boolean({ description: "Keep the caller's own session alive; by default it ends with the others (false)" }),
    ),
  },
  { additionalProperties: false, description: 'An object; `{}` ends every session, the caller’s included' },
);
const RevokedJson = Type.Object(
  {
    revoked: Type.Integer({ minimum: 0, description: 'How many live sessions were revoked' }),
    revoked_at: Type.String({ format: 'date-time', description: 'When: every session in scope that was live before it is refused' }),
  },
  { additionalProperties: false },
);
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });

const EFFECT =
  'Cookie sessions, token sessions and their refresh tokens end at once: this instance refuses their credentials before it ' +
  'answers, every other instance within a second (one revocation event; each reloads from the database). API keys and ' +
  'service clients are not sessions and are not touched. Needs a fresh authentication (401 `step_up_required`). Audited as ' +
  '`sessions.revoke_all`; with the audit log down, 503 `audit_unavailable` and nothing is revoked.';

function revokedJson(result: KillSwitchResult): Static<typeof RevokedJson> {
  return { revoked: result.revoked, revoked_at: new Date(result.revokedAt).toISOString() };
}

export async function revokeAllRoutes(app: FastifyInstance, killSwitch: Pick<KillSwitch, 'revokeAll'>): Promise<void> {
  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof RevokeAllBody> }>(
    '/api/v1/orgs/:org/sessions/revoke-all',
    {
      config: { access: { permission: 'members.manage', scope: 'org' }, stepUp: true },
      schema: {
        summary: "Kill switch: end every session of the org's members",
        description:
          'Every session of every user who is a member of the org now ends — also their sessions in other orgs, since a ' +
          'session belongs to its user and can act in any of their orgs. ' +
          EFFECT,
        tags: ['members'],
        params: OrgParams,
        body: RevokeAllBody,
        response: { 200: RevokedJson },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const result = await killSwitch.revokeAll(
        scopeOf(request).orgId,
        { type: 'user', id: actor.userId, sessionId: actor.sessionId, context: actor },
        request.body.keep_current === true,
      );
      return revokedJson(result);
    },
  );

  app.post<{ Body: Static<typeof RevokeAllBody> }>(
    '/api/v1/sessions/revoke-all',
    {
      config: { access: { permission: 'users.manage', scope: 'platform' }, stepUp: true },
      schema: {
        summary: 'Kill switch: end every session of the deployment',
        description: 'Every session of every user now ends (platform admins only). ' + EFFECT,
        tags: ['users'],
        body: RevokeAllBody,
        response: { 200: RevokedJson },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const result = await killSwitch.revokeAll(
        undefined,
        { type: 'user', id: actor.userId, sessionId: actor.sessionId, context: actor },
        request.body.keep_current === true,
      );
      return revokedJson(result);
    },
  );
}
