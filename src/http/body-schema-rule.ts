/**
 * A start-time rule (issue 22 item 7): every route that takes a body — POST, PUT, PATCH — declares
 * the schema of that body, so no body reaches a handler unvalidated. A route without one stops the
 * start, naming the route. Registered after the chain, in Rampart's context: it sees every route
 * Rampart and a host's `routes` option add there.
 *
 * {@link BODYLESS_ROUTES} pins the routes that predate the rule and act on their path alone (a
 * logout, a cancel, a revoke): their handlers read no body. The list only shrinks — a route on it
 * that declares a schema must leave it — and a new route declares its schema, even a bodyless one.
 */
import type { FastifyPluginAsync, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** Routes that take no body and were written before the rule (`METHOD pattern`); their handlers read no body. */
export const BODYLESS_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/me/mfa/totp',
  'POST /api/v1/users/:id/sessions/revoke',
  'POST /api/v1/me/email/verify',
  'POST /api/v1/auth/new-device/:token',
  'POST /api/v1/me/invitations/:id/accept',
  'POST /api/v1/me/invitations/:id/decline',
  'POST /api/v1/me/passkeys/options',
  'POST /api/v1/auth/step-up/passkey/options',
  'POST /api/v1/orgs/:org/licences/:id/revoke',
  'POST /api/v1/licences/:id/deactivate',
  'POST /api/v1/orgs/:org/jobs/:id/cancel',
  'POST /api/v1/orgs/:org/webhooks/:id/rotate-secret',
  'POST /api/v1/orgs/:org/webhooks/:id/deliveries/:delivery/retry',
  // Inbound webhooks: the body is the sender's, verified by its signature over the raw bytes.
  'POST /api/v1/hooks/:source',
]);

/** Thrown at registration for a body-taking route without a body schema. */
export class UndeclaredBodyError extends Error {
  constructor(method: string, url: string) {
    super(`route ${method} ${url} takes a body but declares no schema.body; every POST, PUT and PATCH route must declare one`);
    this.name = 'UndeclaredBodyError';
  }
}

function methodsOf(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).map((method) => String(method).toUpperCase());
}

/** Throws {@link UndeclaredBodyError} for `route` when it takes a body and declares no schema for it. */
export function checkBodySchema(route: RouteOptions): void {
  const takesBody = methodsOf(route).filter((method) => BODY_METHODS.has(method) && !BODYLESS_ROUTES.has(`${method} ${route.url}`));
  if (takesBody.length === 0 || route.schema?.body !== undefined) return;
  throw new UndeclaredBodyError(takesBody.join(','), route.url);
}

const rule: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', checkBodySchema);
};

// Not encapsulated: the hook must see the routes registered in Rampart's own context.
export const bodySchemaRule = fp(rule, { name: 'rampart-body-schema-rule', fastify: '5.x' });
