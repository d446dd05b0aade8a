/**
 * The access review routes (issue 22 item 6):
 * - `GET /api/v1/orgs/{org}/access-review`: who holds access to the org, as JSON, or as one CSV
 *   table with `Accept: text/csv`;
 * - `POST /api/v1/orgs/{org}/access-review/attestations`: records that the review was done
 *   (audited `access_review.attest`, then kept);
 * - `GET /api/v1/orgs/{org}/access-review/attestations`: the attestations, newest first, as
 *   `{items, next_cursor}`.
 * Permission `audit.read` for all three: a review is the auditor's work (owners and admins hold
 * it too); a non-member gets 404, a member without it 403.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  invalidCursor,
  listCursorsOf,
  ListQueryProperties,
  listPageSchema,
  DEFAULT_LIST_LIMIT,
  timePosition,
} from '../../kernel/http/cursor.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';
import { accessReportCsv, accessReportJson, attestationJson, type AccessReview } from '../services/access-review.js';

const tags = ['orgs'];
const ACCESS = { permission: 'audit.read', scope: 'org' } as const;
const Params = Type.Object({ org: OrgParam }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });

const Time = (description: string) => Type.String({ format: 'date-time', description });
const NullableTime = (description: string) => Type.Union([Time(description), Type.Null()], { description });

const AttestationJson = Type.Object(
  {
    id: Type.String({ description: 'The attestation id (`att_…`)' }),
    org_id: Type.String({ description: 'The org whose access was reviewed' }),
    reviewed_at: Time('When the access was reviewed (as the reviewer said, else when it was recorded)'),
    note: Type.String({ description: "The reviewer's note (findings, changes made)" }),
    attested_by: Type.Object(
      {
        type: Type.String({ description: '`user`, `api_key`, `service`, or `system` for the operator on the CLI' }),
        id: Type.String({ description: 'The principal id (`operator` for the CLI)' }),
      },
      { additionalProperties: false, description: 'Who recorded it' },
    ),
    created_at: Time('When it was recorded'),
  },
  { additionalProperties: false },
);

const Report = Type.Object(
  {
    format: Type.Literal('rampart-access-review', { description: 'The document format' }),
    version: Type.Integer({ description: 'The format version (1)' }),
    org_id: Type.String({ description: 'The org' }),
    generated_at: Time('When the report was read'),
    last_attestation: Type.Union([AttestationJson, Type.Null()], { description: 'The newest attestation, or null: never reviewed' }),
    members: Type.Array(
      Type.Object(
        {
          user_id: Type.String({ description: 'The member' }),
          email: Type.String({ description: "The member's email address" }),
          name: Type.Union([Type.String(), Type.Null()], { description: "The member's name, if given" }),
          role: Type.String({ description: 'Their role in the org (built-in or custom)' }),
          status: Type.String({ description: "The account's status (`active`, `disabled`)" }),
          member_since: Time('When they joined the org'),
          mfa: Type.Boolean({ description: 'Whether they have a second factor (TOTP or a passkey)' }),
          last_active_at: NullableTime("The latest activity of any of the user's sessions (deployment-wide), or null"),
        },
        { additionalProperties: false },
      ),
      { description: 'Every member, by email' },
    ),
    api_keys: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The key id' }),
          name: Type.String({ description: 'Its name' }),
          prefix: Type.String({ description: 'Its public prefix' }),
          owner_id: Type.String({ description: 'The user whose authority bounds it' }),
          owner_email: Type.Union([Type.String(), Type.Null()], { description: "The owner's email address" }),
          scopes: Type.Array(Type.String(), { description: 'Its scopes (empty: the owner’s whole authority in the org)' }),
          created_at: Time('When it was created'),
          expires_at: NullableTime('When it expires, or null: never'),
          last_used_at: NullableTime('When it was last used (to within a minute), or null: never'),
        },
        { additionalProperties: false },
      ),
      { description: "The org's live API keys (neither revoked nor expired), oldest first" },
    ),
    service_clients: Type.Array(
      Type.Object(
        {
          id: Type.String({ description: 'The client id' }),
          name: Type.String({ description: 'Its name' }),
          auth_method: Type.String({ description: 'How it authenticates' }),
          scopes: Type.Array(Type.String(), { description: 'Its scopes' }),
          created_by: Type.Union([Type.String(), Type.Null()], { description: 'Who registered it' }),
          created_at: Time('When it was registered'),
          last_used_at: Type.Null({
            description: "Always null: a client's token requests are in the audit log (`oauth.token`), not on the client",
          }),
        },
        { additionalProperties: false },
      ),
      { description: "The org's live service clients (not revoked), oldest first" },
    ),
  },
  { additionalProperties: false },
);

const AttestBody = Type.Object(
  {
    reviewed_at: Type.Optional(Time('When the access was reviewed; default now; not in the future')),
    note: Type.String({ minLength: 1, maxLength: 2000, description: 'What was reviewed and found, changes made (1 to 2000 characters)' }),
  },
  { additionalProperties: false },
);

/** Whether the caller asked for CSV (`Accept: text/csv` before JSON). */
function wantsCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv !== -1 && (json === -1 || csv < json);
}

/** A position handed out by the attestations list: `<16-digit ms>.<id>`. */
function parsePosition(position: string): { createdAt: number; id: string } {
  const match = /^(\d{16})\.(att_[0-9a-f]{32})$/.exec(position);
  if (match?.[1] === undefined || match[2] === undefined) throw invalidCursor();
  return { createdAt: Number(match[1]), id: match[2] };
}

export async function accessReviewRoutes(app: FastifyInstance, review: AccessReview): Promise<void> {
  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/orgs/:org/access-review',
    {
      config: { access: ACCESS },
      schema: {
        summary: "The org's access review: every member, role, API key and service client, with last use",
        description:
          'Who holds access to the org now: every member (role, second factor, latest session activity), every live API key ' +
          '(owner, scopes, expiry, last use) and service client, and the newest attestation. A report, not a list: one document. ' +
          'With `Accept: text/csv` one CSV table instead (RFC 4180, CRLF, a header row; columns ' +
          '`kind,id,name,email,role,scopes,mfa,created_at,expires_at,last_used_at`; `kind` is `member`, `api_key` or ' +
          "`service_client`; a cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`). Permission `audit.read` " +
          '(auditor, admin, owner). Record its completion with `POST …/access-review/attestations`.',
        tags,
        params: Params,
        response: { 200: Report },
      },
    },
    async (request, reply) => {
      const report = await review.report(scopeOf(request));
      reply.header('cache-control', 'no-store');
      if (wantsCsv(request.headers.accept)) {
        reply.header('content-disposition', `attachment; filename="access-review-${report.orgId}.csv"`);
        return reply
          .type('text/csv; charset=utf-8; header=present')
          .serializer((body: unknown) => String(body))
          .send(accessReportCsv(report));
      }
      return accessReportJson(report);
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof AttestBody> }>(
    '/api/v1/orgs/:org/access-review/attestations',
    {
      config: { access: ACCESS },
      schema: {
        summary: "Record that the org's access review was done",
        description:
          'Records an attestation that the access review was completed (at `reviewed_at`, default now), with the reviewer’s ' +
          'note. Audited as `access_review.attest` before it is stored (503 `audit_unavailable` when the log cannot record); ' +
          'kept, never updated. Permission `audit.read`.',
        tags,
        params: Params,
        body: AttestBody,
        response: { 201: AttestationJson },
      },
    },
    async (request, reply) => {
      const actor = tenancyActor(request);
      const { reviewed_at: reviewedAt, note } = request.body;
      const at = reviewedAt === undefined ? undefined : Date.parse(reviewedAt);
      const attestation = await review.attest(
        scopeOf(request),
        { note, ...(at === undefined ? {} : { reviewedAt: at }) },
        { principal: actor.principal, context: actor },
      );
      return reply.code(201).send(attestationJson(attestation));
    },
  );

  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/access-review/attestations',
    {
      config: { access: ACCESS },
      schema: {
        summary: "The org's access review attestations, newest first",
        description: 'Every recorded completion of the access review, newest first, as `{items, next_cursor}`. Permission `audit.read`.',
        tags,
        params: Params,
        querystring: ListQuery,
        response: { 200: listPageSchema(AttestationJson, 'The attestations, newest first') },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const cursors = listCursorsOf(request);
      const binding = { list: 'access-review-attestations', owner: scope.orgId };
      const position = cursors.open(binding, request.query.cursor);
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const rows = await review.attestations(scope, position === undefined ? undefined : parsePosition(position), limit + 1);
      return cursors.page(binding, rows, limit, (row) => timePosition(row.createdAt, row.id), attestationJson);
    },
  );
}
