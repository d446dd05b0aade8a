/**
 * `/api/v1/orgs/{org}/hook-sources[/{source}]` (issue 15 item 4; the spec is silent, so the
 * OpenAPI text is the contract): an org's inbound hook sources under `webhooks.manage` in the
 * request's tenant scope — put by name (create or change), read and delete by name or `src_…` id,
 * list. The signing secret is written, never read back. Another org's source is 404.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Secret } from '../../../kernel/domain/secret.js';
import { OrgParam, scopeOf } from '../../../kernel/http/org-params.js';
import { requestContext } from '../../../kernel/http/request-context.js';
import { listCursorsOf, ListQueryProperties, listPageSchema } from '../../../kernel/http/cursor.js';
import { HOOK_SCHEMES, SOURCE_KEY_PATTERN, SOURCE_NAME_PATTERN, type OrgHookSource } from '../domain/hook-source.js';
import type { SourceService } from '../services/source-service.js';
import type { Clock } from '../../../kernel/ports/clock.js';

const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const NameParams = Type.Object(
  {
    org: OrgParam,
    source: Type.String({
      pattern: SOURCE_NAME_PATTERN,
      description: 'the source’s name (lower-case letters, digits, `-`, `_`; not `src_…`)',
    }),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object(
  { org: OrgParam, source: Type.String({ pattern: SOURCE_KEY_PATTERN, description: 'the source’s name or its `src_…` id' }) },
  { additionalProperties: false },
);
const Scheme = Type.Union(
  HOOK_SCHEMES.map((scheme) => Type.Literal(scheme)),
  { description: '`standard-webhooks` (secret `whsec_<base64>`) or `stripe` (the endpoint’s signing secret, `whsec_…`)' },
);
const Tolerance = Type.Integer({
  minimum: 30,
  maximum: 3600,
  description: 'Seconds a signature’s timestamp may be from now, either way (default RAMPART_INBOUND_TOLERANCE)',
});
const PutBody = Type.Object(
  {
    scheme: Type.Optional(Scheme),
    secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        pattern: '^[\\x21-\\x7e]+$',
        description:
          'The signing secret the sender gave you: required to create; on a change it replaces the secret, the old one still verifying for RAMPART_INBOUND_SECRET_OVERLAP. Never returned.',
      }),
    ),
    tolerance_seconds: Type.Optional(Tolerance),
  },
  { additionalProperties: false },
);
const Time = Type.String({ format: 'date-time' });
const SourceJson = Type.Object(
  {
    id: Type.String({ description: '`src_…`' }),
    name: Type.String(),
    scheme: Scheme,
    tolerance_seconds: Type.Integer(),
    url: Type.String({ description: 'Where the sender posts: `/api/v1/hooks/src_…` under RAMPART_PUBLIC_URL' }),
    previous_secret_until: Type.Union([Time, Type.Null()], {
      description: 'Until when the replaced secret still verifies; null when none does',
    }),
    created_at: Time,
    updated_at: Time,
  },
  { additionalProperties: false },
);

const iso = (ms: number): string => new Date(ms).toISOString();

function sourceJson(source: OrgHookSource, now: number, publicUrl: string): Static<typeof SourceJson> {
  const until = source.previousSecretUntil;
  return {
    id: source.id,
    name: source.name,
    scheme: source.scheme,
    tolerance_seconds: source.toleranceSeconds,
    url: `${publicUrl}/api/v1/hooks/${source.id}`,
    previous_secret_until: until !== null && until > now ? iso(until) : null,
    created_at: iso(source.createdAt),
    updated_at: iso(source.updatedAt),
  };
}

export async function hookSourceRoutes(app: FastifyInstance, sources: SourceService, clock: Clock, publicUrl: string): Promise<void> {
  const tags = ['webhooks'];
  const MANAGE = { permission: 'webhooks.manage', scope: 'org' } as const;

  app.put<{ Params: Static<typeof NameParams>; Body: Static<typeof PutBody> }>(
    '/api/v1/orgs/:org/hook-sources/:source',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Create or change an inbound hook source (201 created, 200 changed); the secret is never returned',
        description:
          'A source is a sender of inbound webhooks. Its events are posted to the answer’s `url` (`POST /api/v1/hooks/src_…`) and handed to the application by `rampart.webhooks.hooks.on(name, handler)`. Names are unique in the org.',
        tags,
        params: NameParams,
        body: PutBody,
        response: { 200: SourceJson, 201: SourceJson },
      },
    },
    async (request, reply) => {
      const { scheme, secret, tolerance_seconds: toleranceSeconds } = request.body;
      const put = await sources.put(
        scopeOf(request),
        request.params.source,
        { scheme, toleranceSeconds, secret: secret === undefined ? undefined : new Secret(secret) },
        requestContext(request),
      );
      return reply.code(put.created ? 201 : 200).send(sourceJson(put.source, clock.now(), publicUrl));
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/hook-sources',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'The org’s inbound hook sources (never a secret)',
        description: 'By name, a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(SourceJson, 'The org’s inbound hook sources, by name') },
      },
    },
    async (request) => {
      const now = clock.now();
      const scope = scopeOf(request);
      return listCursorsOf(request).pageInMemory(
        { list: 'org-hook-sources', owner: scope.orgId },
        await sources.list(scope),
        request.query,
        (source) => source.name,
        (source) => sourceJson(source, now, publicUrl),
      );
    },
  );

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/api/v1/orgs/:org/hook-sources/:source',
    {
      config: { access: MANAGE },
      schema: { summary: 'One inbound hook source, by name or id', tags, params: KeyParams, response: { 200: SourceJson } },
    },
    async (request) => sourceJson(await sources.get(scopeOf(request), request.params.source), clock.now(), publicUrl),
  );

  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/api/v1/orgs/:org/hook-sources/:source',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Delete an inbound hook source and its secret; events already accepted stay in the inbox',
        tags,
        params: KeyParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await sources.delete(scopeOf(request), request.params.source, requestContext(request));
      return reply.code(204).send();
    },
  );
}
