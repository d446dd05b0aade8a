/**
 * `/api/v1/orgs/{org}/webhooks*` (spec "Webhooks"; issue 15, items 1, 3 and 5), all under
 * `webhooks.manage` in the request's tenant scope: create (the secret shown once, so the route
 * opts out of Idempotency-Key replay), list, read, update, delete, rotate the secret (shown once),
 * the deliveries with their attempts, and a retry. Another org's webhook or delivery is 404.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { EventType } from '../../kernel/domain/events.js';
import { NameString } from '../../kernel/http/names.js';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';
import { requestContext } from '../../kernel/http/request-context.js';
import {
  DEFAULT_LIST_LIMIT,
  invalidCursor,
  listCursorsOf,
  ListQueryProperties,
  listPageSchema,
  type ListCursors,
} from '../../kernel/http/cursor.js';
import type { Clock } from '../../kernel/ports/clock.js';
import {
  DELIVERY_ID_PATTERN,
  MAX_DESCRIPTION_LENGTH,
  MAX_SUBSCRIPTIONS,
  MAX_URL_LENGTH,
  WEBHOOK_ID_PATTERN,
} from '../domain/webhook-endpoint.js';
import type { EndpointService } from '../services/endpoint-service.js';
import {
  AttemptJson,
  attemptJson,
  DeliveryJson,
  deliveryJson,
  EndpointJson,
  endpointJson,
  IssuedEndpointJson,
  SubscriptionSchema,
} from './webhook-json.js';

const OrgParams = Type.Object({ org: OrgParam }, { additionalProperties: false });
const WebhookId = Type.String({ pattern: WEBHOOK_ID_PATTERN, description: '`whk_…`' });
const DeliveryId = Type.String({ pattern: DELIVERY_ID_PATTERN, description: '`whd_…`' });
const WebhookParams = Type.Object({ org: OrgParam, id: WebhookId }, { additionalProperties: false });
const DeliveryParams = Type.Object({ org: OrgParam, id: WebhookId, delivery: DeliveryId }, { additionalProperties: false });
const Url = Type.String({
  minLength: 8,
  maxLength: MAX_URL_LENGTH,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\u0000-\\u0020\\u007f]+$',
  description:
    'An `https://` or `http://` URL of a public address: a URL that is or resolves to a private, loopback, link-local or otherwise non-public address (unless allow-listed by RAMPART_OUTBOUND_ALLOW_CIDRS), or names a port outside RAMPART_OUTBOUND_PORTS, is 422 `ssrf_blocked`. It is checked again at every delivery (a host name that does not resolve yet is accepted, and refused at delivery until it resolves to an allowed address).',
});
const Description = NameString({ minLength: 0, maxLength: MAX_DESCRIPTION_LENGTH, description: 'free text, no control characters' });
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const DeliveryQuery = Type.Object(
  {
    ...ListQueryProperties,
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
  },
  { additionalProperties: false },
);

const ENDPOINT_POSITION = /^(whk_[a-f0-9]{32})$/;
const DELIVERY_POSITION = /^(\d{1,16}):(whd_[a-f0-9]{32})$/;

/** The list of `org`'s endpoints, and of one endpoint's deliveries, for their cursors (kernel/http/cursor.ts). */
const endpointList = (org: string) => ({ list: 'org-webhooks', owner: org });
const deliveryList = (org: string, endpoint: string) => ({ list: `webhook-deliveries/${endpoint}`, owner: org });

function endpointAfter(cursors: ListCursors, org: string, cursor: string | undefined): string | undefined {
  const position = cursors.open(endpointList(org), cursor);
  if (position === undefined) return undefined;
  const match = ENDPOINT_POSITION.exec(position);
  if (match?.[1] === undefined) throw invalidCursor();
  return match[1];
}

function deliveryAfter(
  cursors: ListCursors,
  org: string,
  endpoint: string,
  cursor: string | undefined,
): { createdAt: number; id: string } | undefined {
  const position = cursors.open(deliveryList(org, endpoint), cursor);
  if (position === undefined) return undefined;
  const match = DELIVERY_POSITION.exec(position);
  if (match?.[1] === undefined || match[2] === undefined) throw invalidCursor();
  return { createdAt: Number(match[1]), id: match[2] };
}

/** What the routes use of the webhooks facade. */
export interface WebhookRouteDeps {
  readonly endpoints: EndpointService;
  readonly eventTypes: readonly EventType[];
  readonly clock: Clock;
}

export async function webhookRoutes(app: FastifyInstance, webhooks: WebhookRouteDeps): Promise<void> {
  const { endpoints: service, clock } = webhooks;
  const tags = ['webhooks'];
  const MANAGE = { permission: 'webhooks.manage', scope: 'org' } as const;
  const Events = Type.Array(SubscriptionSchema(webhooks.eventTypes), {
    minItems: 1,
    maxItems: MAX_SUBSCRIPTIONS,
    description: 'What the endpoint receives: event types of the catalogue (the enum), prefixes such as `member.*`, or `*` for every event',
  });
  const CreateBody = Type.Object({ url: Url, events: Events, description: Type.Optional(Description) }, { additionalProperties: false });
  const UpdateBody = Type.Object(
    {
      url: Type.Optional(Url),
      events: Type.Optional(Events),
      description: Type.Optional(Description),
      enabled: Type.Optional(
        Type.Boolean({
          description: '`false` stops deliveries (`disabled_reason: manual`); `true` resumes them and forgets a failing run',
        }),
      ),
    },
    { additionalProperties: false, minProperties: 1 },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof CreateBody> }>(
    '/api/v1/orgs/:org/webhooks',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: 'Create a webhook endpoint; its signing secret (`whsec_…`) is shown once',
        description:
          'Deliveries follow Standard Webhooks: headers `webhook-id` (the event id, the same on every attempt: use it as your idempotency key), `webhook-timestamp` and `webhook-signature`; the body is `{type, timestamp, data}` with ids and metadata only. Failed attempts are retried with exponential backoff and jitter (RAMPART_WEBHOOK_RETRY_SCHEDULE, by default 8 attempts over about 27.5 h).',
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 201: IssuedEndpointJson },
      },
    },
    async (request, reply) => {
      const { url, events, description } = request.body;
      const issued = await service.create(scopeOf(request), { url, events: events as string[], description }, requestContext(request));
      return reply.code(201).send({ ...endpointJson(issued.endpoint, clock.now()), secret: issued.secret.reveal() });
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/webhooks',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'The org’s webhook endpoints (never a secret), by cursor',
        tags,
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: listPageSchema(EndpointJson, 'The org’s webhook endpoints, by id (never a secret)') },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const scope = scopeOf(request);
      const cursors = listCursorsOf(request);
      const rows = await service.list(scope, endpointAfter(cursors, scope.orgId, request.query.cursor), limit + 1);
      const now = clock.now();
      return cursors.page(
        endpointList(scope.orgId),
        rows,
        limit,
        (endpoint) => endpoint.id,
        (endpoint) => endpointJson(endpoint, now),
      );
    },
  );

  app.get<{ Params: Static<typeof WebhookParams> }>(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      config: { access: MANAGE },
      schema: { summary: 'One webhook endpoint', tags, params: WebhookParams, response: { 200: EndpointJson } },
    },
    async (request) => endpointJson(await service.get(scopeOf(request), request.params.id), clock.now()),
  );

  app.patch<{ Params: Static<typeof WebhookParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Change a webhook endpoint’s URL (checked again), events, description, or enable/disable it',
        tags,
        params: WebhookParams,
        body: UpdateBody,
        response: { 200: EndpointJson },
      },
    },
    async (request) => {
      const { url, events, description, enabled } = request.body;
      const updated = await service.update(
        scopeOf(request),
        request.params.id,
        { url, events: events as string[] | undefined, description, enabled },
        requestContext(request),
      );
      return endpointJson(updated, clock.now());
    },
  );

  app.delete<{ Params: Static<typeof WebhookParams> }>(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Delete a webhook endpoint with its deliveries and signing secret',
        tags,
        params: WebhookParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.delete(scopeOf(request), request.params.id, requestContext(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof WebhookParams> }>(
    '/api/v1/orgs/:org/webhooks/:id/rotate-secret',
    {
      config: { access: MANAGE, idempotency: false },
      schema: {
        summary: 'Give a webhook endpoint a new signing secret (shown once)',
        description:
          'The previous secret keeps signing beside the new one for RAMPART_WEBHOOK_SECRET_OVERLAP seconds (default 24 h): each delivery then carries two signatures in its `webhook-signature` header, so receivers can switch secrets without losing a delivery. A second rotation within the overlap ends the oldest secret’s signing at once.',
        tags,
        params: WebhookParams,
        response: { 200: IssuedEndpointJson },
      },
    },
    async (request) => {
      const issued = await service.rotateSecret(scopeOf(request), request.params.id, requestContext(request));
      return { ...endpointJson(issued.endpoint, clock.now()), secret: issued.secret.reveal() };
    },
  );

  app.get<{ Params: Static<typeof WebhookParams>; Querystring: Static<typeof DeliveryQuery> }>(
    '/api/v1/orgs/:org/webhooks/:id/deliveries',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'A webhook endpoint’s deliveries, newest first, by cursor',
        tags,
        params: WebhookParams,
        querystring: DeliveryQuery,
        response: { 200: listPageSchema(DeliveryJson, 'The endpoint’s deliveries, newest first') },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const scope = scopeOf(request);
      const cursors = listCursorsOf(request);
      const after = deliveryAfter(cursors, scope.orgId, request.params.id, request.query.cursor);
      const rows = await service.deliveries(scope, request.params.id, {
        limit: limit + 1,
        ...(after === undefined ? {} : { after }),
        ...(request.query.status === undefined ? {} : { status: request.query.status }),
      });
      return cursors.page(deliveryList(scope.orgId, request.params.id), rows, limit, (d) => `${d.createdAt}:${d.id}`, deliveryJson);
    },
  );

  app.get<{ Params: Static<typeof DeliveryParams> }>(
    '/api/v1/orgs/:org/webhooks/:id/deliveries/:delivery',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'One delivery with its attempts (time, status code, latency, error class — never the response body)',
        tags,
        params: DeliveryParams,
        response: {
          200: Type.Object({ ...DeliveryJson.properties, attempts_log: Type.Array(AttemptJson) }, { additionalProperties: false }),
        },
      },
    },
    async (request) => {
      const { delivery, attempts } = await service.delivery(scopeOf(request), request.params.id, request.params.delivery);
      return { ...deliveryJson(delivery), attempts_log: attempts.map(attemptJson) };
    },
  );

  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/api/v1/orgs/:org/webhooks/:id/deliveries/:delivery/retry',
    {
      config: { access: MANAGE },
      schema: {
        summary: 'Try a delivery again now (one more attempt, whatever its status)',
        tags,
        params: DeliveryParams,
        response: { 202: DeliveryJson },
      },
    },
    async (request, reply) => {
      const delivery = await service.retry(scopeOf(request), request.params.id, request.params.delivery, requestContext(request));
      return reply.code(202).send(deliveryJson(delivery));
    },
  );
}
