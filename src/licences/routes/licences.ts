/**
 * `/api/v1/orgs/{org}/licences*` (spec "Artifacts and licences"; issue 16 item 4), `licences.manage`:
 * issue a licence (its key shown once, so the route opts out of Idempotency-Key replay), list,
 * read and revoke. Another org's licence id is 404.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../kernel/domain/errors.js';
import { OrgParam, scopeOf, tenancyActor } from '../../kernel/http/org-params.js';
import type { LicenceService } from '../services/licence-service.js';
import { FEATURE_PATTERN, MAX_ACTIVATIONS } from '../services/licence-service.js';
import { LicenceId, LicenceJson, licenceJson } from './licence-json.js';
import { DEFAULT_LIST_LIMIT, listCursorsOf, ListQueryProperties, listPageSchema } from '../../kernel/http/cursor.js';

const MANAGE = { permission: 'licences.manage', scope: 'org' } as const;

const KEY_FORMAT =
  'The licence key, shown this once: `RLK1-` then 16 groups of 8 RFC 4648 base32 characters (the 16 bytes of the licence id, then the 64-byte Ed25519 signature by the `licences` key of the RFC 8785 canonical JSON `{typ:"rampart-licence-key/v1", licence, org, product, features, max_activations, nbf, exp}`, times in ms), then `-` and an 8-character check group: base32 of the first 5 bytes of SHA-256("RLK1" ‖ those 80 bytes). Case, spaces and hyphens are ignored when read.';

const IssueBody = Type.Object(
  {
    product: Type.String({ minLength: 1, maxLength: 100, description: 'the product the licence is for' }),
    features: Type.Optional(
      Type.Array(Type.String({ pattern: FEATURE_PATTERN }), { maxItems: 64, description: 'the features it unlocks (default none)' }),
    ),
    max_activations: Type.Integer({
      minimum: 1,
      maximum: MAX_ACTIVATIONS,
      description: 'seats: how many installations may hold a live activation together',
    }),
    not_before: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; default now' })),
    expires_at: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'RFC 3339; default null, no expiry' }),
    ),
  },
  { additionalProperties: false },
);
const Issued = Type.Object(
  { ...LicenceJson.properties, licence_key: Type.String({ description: KEY_FORMAT }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const Page = listPageSchema(LicenceJson, "The org's licences, by id (never a key)");
const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const LicenceParams = Type.Object({ org: OrgParam, id: LicenceId }, { additionalProperties: false });

function time(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new DomainError('validation_failed', `${field}: is not an RFC 3339 time`);
  return ms;
}

export async function licenceRoutes(app: FastifyInstance, licences: LicenceService): Promise<void> {
  const tags = ['licences'];

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof IssueBody> }>(
    '/api/v1/orgs/:org/licences',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: 'Issue a signed licence key; the key is shown once and only its hash is stored',
        description:
          'The key is an Ed25519 signature (by the deployment’s `licences` key) over the licence’s canonical terms, in a copy-pasteable text form with a check group that catches a typo before any network call.',
        tags,
        params: OrgParams,
        body: IssueBody,
        response: { 201: Issued },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const expires = body.expires_at === null || body.expires_at === undefined ? null : (time(body.expires_at, 'body.expires_at') ?? null);
      const issued = await licences.issue(
        scopeOf(request),
        {
          product: body.product,
          features: body.features ?? [],
          maxActivations: body.max_activations,
          notBefore: time(body.not_before, 'body.not_before'),
          expiresAt: expires,
        },
        tenancyActor(request),
      );
      return reply.code(201).send({ ...licenceJson(issued.licence), licence_key: issued.key.reveal() });
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/licences',
    {
      config: { access: MANAGE },
      schema: {
        summary: "The org's licences by id, a page at a time (never a key)",
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: Page },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const cursors = listCursorsOf(request);
      const binding = { list: 'org-licences', owner: scope.orgId };
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const rows = await licences.list(scope, cursors.open(binding, request.query.cursor), limit + 1);
      return cursors.page(binding, rows, limit, (licence) => licence.id, licenceJson);
    },
  );

  app.get<{ Params: Static<typeof LicenceParams> }>(
    '/api/v1/orgs/:org/licences/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'One licence with its live activations counted (never its key)',
        tags,
        params: LicenceParams,
        response: { 200: LicenceJson },
      },
    },
    async (request) => licenceJson(await licences.get(scopeOf(request), request.params.id)),
  );

  app.post<{ Params: Static<typeof LicenceParams> }>(
    '/api/v1/orgs/:org/licences/:id/revoke',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Revoke a licence: the next status check of each of its installations, on every instance, answers valid: false',
        description: 'A revoked licence cannot be activated again; revoking it twice is 409 `conflict`.',
        tags,
        params: LicenceParams,
        response: { 200: LicenceJson },
      },
    },
    async (request) => licenceJson(await licences.revoke(scopeOf(request), request.params.id, tenancyActor(request))),
  );
}
