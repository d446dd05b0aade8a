/**
 * `GET /api/v1/orgs/{org}/audit` (test/fixtures/spec-api-v1.md, "Audit"): an org's audit entries, newest first,
 * by an opaque, authenticated cursor (HMAC, bound to the org: `audit/crypto/audit-cursor.ts`), filtered by `action`, `actor` (actor id), `result`, `since` and `until` (RFC 3339,
 * `since` inclusive, `until` exclusive). `audit.read` in the org (the built-in auditor and admin
 * roles); the authorization layer answers 404 for an org the caller cannot see, so another org's
 * entries are never reachable; the built-in `system` org holds the platform's events (logins,
 * user management), readable by platform admins and auditors. Each entry has its `index` in the
 * deployment-wide tree and its `leaf_hash`; erased personal fields read `[erased]`; entries whose
 * payload retention dropped are not listed (their leaf hashes stay in the tree and in exports).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { validationFailed } from '../../kernel/domain/errors.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditService } from '../services/audit-service.js';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';

const Params = Type.Object({ org: OrgParam }, { additionalProperties: false });
const Query = Type.Object(
  {
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'next_cursor of the previous page of this listing: opaque and authenticated (another, or an edited one: 400)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'actor id' })),
    result: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    since: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'RFC 3339; entries at or after' })),
    until: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'RFC 3339; entries before' })),
  },
  { additionalProperties: false },
);

/** An audit entry as listings show it (test/fixtures/spec-api-v1.md, "Audit"). */
export const Entry = Type.Object(
  {
    index: Type.Integer({ description: "the entry's leaf index in the deployment-wide tree" }),
    timestamp: Type.String({ format: 'date-time' }),
    org: Type.String(),
    actor: Type.Object({
      type: Type.Union([Type.Literal('user'), Type.Literal('api_key'), Type.Literal('service'), Type.Literal('system')]),
      id: Type.Union([Type.String(), Type.Null()]),
    }),
    action: Type.String(),
    resource: Type.String(),
    result: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
    reason: Type.Optional(Type.String()),
    source_ip: Type.Union([Type.String(), Type.Null()]),
    request_id: Type.Union([Type.String(), Type.Null()]),
    user_agent: Type.Optional(Type.String()),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    leaf_hash: Type.String({ description: 'base64 of SHA-256(0x00 ‖ leaf)' }),
  },
  { additionalProperties: false },
);

const LIST_DOC =
  'Newest first. Personal fields (`actor.id` of the subject, `source_ip`, `user_agent`, personal `details` keys) are sealed per subject: ' +
  'they read `[erased]` once the subject was erased (GDPR Art. 17). For such entries the leaf holds `personal: {commitment, fields}` ' +
  'instead of their values and no `subject`, so `leaf_hash` verifies from `rampart audit export`, which carries the leaf text.';

const time = (field: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw validationFailed([{ field, reason: 'must be an RFC 3339 date-time' }]);
  return ms;
};

export async function orgAuditRoutes(app: FastifyInstance, audit: AuditService): Promise<void> {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/api/v1/orgs/:org/audit',
    {
      config: { access: { permission: 'audit.read', scope: 'org' } },
      schema: {
        summary: "The org's audit entries, with the spec's filters and cursor pagination",
        description: LIST_DOC,
        tags: ['audit'],
        params: Params,
        querystring: Query,
        response: {
          200: Type.Object(
            { entries: Type.Array(Entry), next_cursor: Type.Union([Type.String(), Type.Null()]) },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const q = request.query;
      const since = time('since', q.since);
      const until = time('until', q.until);
      const page = await audit.page({
        listedOrg: scope.orgId,
        orgs: scope.orgSlug === SYSTEM_ORG_SLUG ? [scope.orgId, SYSTEM_ORG_SLUG] : [scope.orgId],
        limit: q.limit ?? 50,
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        ...(q.action === undefined ? {} : { action: q.action }),
        ...(q.actor === undefined ? {} : { actor: q.actor }),
        ...(q.result === undefined ? {} : { result: q.result }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      });
      return { entries: page.entries as Static<typeof Entry>[], next_cursor: page.nextCursor };
    },
  );
}
