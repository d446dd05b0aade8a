/**
 * The OpenAPI 3.1 document (`GET /api/v1/openapi.json`), generated from the route schemas by
 * @fastify/swagger and completed here with what the schemas cannot say: each route's access
 * declaration (`x-rampart-access`), the problem responses with every error code, and the
 * `Idempotency-Key` header of mutating routes (except those that opt out of replay with
 * `config.idempotency: false`: documenting a header the server ignores would be a false promise).
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../kernel/domain/access.js';
import { ERROR_CATALOG, ERROR_CODES } from '../kernel/domain/errors.js';
import { IDEMPOTENCY_TTL_MS } from '../kernel/http/chain/idempotency.js';
import { PROBLEM_TYPE_BASE, STATUS_BY_CODE } from '../kernel/http/problem.js';

type JsonObject = Record<string, unknown>;

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details. `code` is stable; `title` and `detail` are for people.',
  required: ['type', 'title', 'status', 'code', 'detail', 'request_id'],
  properties: {
    type: { type: 'string', format: 'uri', description: `${PROBLEM_TYPE_BASE}<code>` },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: [...ERROR_CODES] },
    detail: { type: 'string' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For validation_failed: each failing field and why.',
      items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } },
    },
    methods: {
      type: 'array',
      description:
        'For step_up_required: the ways to prove a fresh authentication at `POST /api/v1/auth/step-up` (`password`, and `totp` and ' +
        '`recovery_code` when a second factor is enrolled); then repeat the request within RAMPART_STEP_UP_WINDOW.',
      items: { type: 'string', enum: ['password', 'totp', 'recovery_code'] },
    },
  },
};

/** The CSRF header of cookie-authenticated changes (docs/decisions/007-browser-sessions.md). */
const CSRF_PARAMETER = {
  name: 'X-Rampart-CSRF',
  in: 'header',
  required: false,
  description:
    "With the session cookie only: the session's CSRF token (`csrf_token` of a cookie login, or `GET /api/v1/auth/csrf`). A " +
    "cookie-authenticated POST/PUT/PATCH/DELETE needs this header, or an `Origin` that is RAMPART_PUBLIC_URL's or listed in " +
    'RAMPART_CORS_ORIGINS, or (without `Origin`) `Sec-Fetch-Site: same-origin`; otherwise 403 `csrf_failed`. A wrong value is refused.',
  schema: { type: 'string' },
};

const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    `draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters, unique per request. A replay with the same key and ` +
    `body returns the first answer (header \`Idempotent-Replayed: true\`) without running the request again; the same key with another ` +
    `body is 422 \`idempotency_key_reused\`; a replay while the first is still running is 409 \`conflict\`. Keys are kept per caller ` +
    `for ${IDEMPOTENCY_TTL_MS / 3_600_000} h. A 5xx answer is not kept, so the request may be retried.`,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

function problemResponse(description: string): JsonObject {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

/** `x-problem-codes`: every code with its status and title, the catalog as the API publishes it. */
function problemCodes(): JsonObject {
  const out: JsonObject = {};
  for (const code of ERROR_CODES) out[code] = { status: STATUS_BY_CODE[code], title: ERROR_CATALOG[code] };
  return out;
}

function describeAccess(access: RouteAccess | undefined): unknown {
  if (access === undefined || typeof access === 'string') return access ?? 'public';
  return { permission: access.permission, scope: access.scope, exempt_addresses: access.exemptAddress !== undefined };
}

/** What the document needs to know of a route beyond its schema. */
interface RouteFacts {
  readonly access: RouteAccess | undefined;
  /** False when the route opts out of `Idempotency-Key` replay. */
  readonly idempotent: boolean;
}

function complete(document: JsonObject, factsByRoute: ReadonlyMap<string, RouteFacts>): JsonObject {
  const components = (document.components ?? {}) as JsonObject;
  components.schemas = { ...((components.schemas ?? {}) as JsonObject), Problem: PROBLEM_SCHEMA };
  components.securitySchemes = {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An access token (JWT) or an API key (`rk_…`). Access tokens carry `scope` (the space-separated permissions at issue: ' +
        "platform permissions, or with `org` chosen at `POST /api/v1/auth/refresh` that org's; a service client's token, its " +
        'granted scopes); Rampart authorizes each request on the live roles. No credential is 401 `unauthenticated`; a credential ' +
        'that is present but fails verification (forged, unsigned, tampered, of an unknown scheme) is 401 `token_invalid`; an ' +
        'expired one `token_expired`.',
    },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-rampart_session',
      description:
        'The browser session of a `mode: "cookie"` login. Unsafe methods also need the CSRF check: see the `X-Rampart-CSRF` header.',
    },
  };
  document.components = components;
  document['x-problem-codes'] = problemCodes();
  const paths = (document.paths ?? {}) as Record<string, Record<string, JsonObject>>;
  for (const [url, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const facts = factsByRoute.get(`${method.toUpperCase()} ${url}`);
      const access = facts?.access;
      operation['x-rampart-access'] = describeAccess(access);
      if (access !== undefined && access !== 'public') {
        operation.security = [{ bearer: [] }, { session: [] }];
        if (MUTATING.has(method)) operation.parameters = [...((operation.parameters ?? []) as JsonObject[]), CSRF_PARAMETER];
      }
      const responses = (operation.responses ?? {}) as JsonObject;
      responses['4XX'] ??= problemResponse('The request was refused; `code` says why (see x-problem-codes).');
      responses['5XX'] ??= problemResponse('Rampart could not answer; `code` says why (see x-problem-codes).');
      operation.responses = responses;
      if (MUTATING.has(method) && facts?.idempotent !== false) {
        const parameters = (operation.parameters ?? []) as JsonObject[];
        parameters.push(IDEMPOTENCY_PARAMETER);
        operation.parameters = parameters;
      }
    }
  }
  return document;
}

/** Registers the generator; call before any route so that every route is seen. */
export async function registerOpenApi(app: FastifyInstance, info: { version: string; publicUrl: string }): Promise<void> {
  const factsByRoute = new Map<string, RouteFacts>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // @fastify/swagger writes `/users/{id}` for Fastify's `/users/:id`.
    const url = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const facts: RouteFacts = { access: route.config?.access, idempotent: route.config?.idempotency !== false };
    for (const method of methods) factsByRoute.set(`${String(method)} ${url}`, facts);
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rampart API',
        version: info.version,
        description:
          'The security control plane for multi-tenant software. Contract: test/fixtures/spec-api-v1.md. ' +
          'Parsing is strict on every route: a JSON body that names a member twice in one object, at any depth, is 400 ' +
          '`validation_failed`; query and path numbers are read only from plain decimal digits (`limit=1e2`, `0x10` or ` 5` ' +
          'are 400 `validation_failed`).',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: info.publicUrl }],
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? (complete(document.openapiObject as JsonObject, factsByRoute) as typeof document.openapiObject)
        : document.swaggerObject,
  });
}
