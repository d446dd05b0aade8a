/**
 * `/api/v1/me/identities` (spec "Email, recovery and identities"): the caller's linked external
 * identities — list (by cursor), link (starts a provider flow), unlink (never the last way in).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_LIST_LIMIT, listCursorsOf, ListQueryProperties, listPageSchema } from '../../../kernel/http/cursor.js';
import { userActor } from '../../../kernel/http/request-context.js';
import { STATE_TTL_MS } from '../../oidc/crypto/oidc-state-cookie.js';
import type { IdentityLinks } from '../services/identity-links.js';
import { IdentityJson, identityJson } from './identity-json.js';

const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const Page = listPageSchema(IdentityJson, "The caller's linked identities, in a stable order (by id)");
const LinkBody = Type.Object(
  {
    provider: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^[a-z0-9][a-z0-9-]*$',
      description: 'The name of a configured OIDC/OAuth provider (as in `/api/v1/auth/oidc/{provider}/…`)',
    }),
  },
  { additionalProperties: false },
);
const LinkStarted = Type.Object(
  {
    authorization_url: Type.String({
      description: 'Open it in the same browser: the provider redirects back to the callback, which links',
    }),
    expires_in: Type.Integer({ description: 'Seconds the flow may take (the state cookie’s lifetime)' }),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export async function meIdentityRoutes(app: FastifyInstance, links: IdentityLinks): Promise<void> {
  const tags = ['me'];

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/me/identities',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: "The caller's linked identities (OIDC/OAuth providers, LDAP directories, PAM), by cursor",
        tags,
        querystring: ListQuery,
        response: { 200: Page },
      },
    },
    async (request) => {
      const actor = userActor(request);
      const cursors = listCursorsOf(request);
      const binding = { list: 'me-identities', owner: actor.userId };
      const limit = request.query.limit ?? DEFAULT_LIST_LIMIT;
      const rows = await links.list(actor.userId, cursors.open(binding, request.query.cursor), limit + 1);
      return cursors.page(binding, rows, limit, (identity) => identity.id, identityJson);
    },
  );

  app.post<{ Body: Static<typeof LinkBody> }>(
    '/api/v1/me/identities',
    {
      // The answer sets the state cookie: never replayed from an idempotency record.
      config: { access: 'authenticated', idempotency: false },
      schema: {
        summary: 'Start linking a provider identity to the caller: the authorization URL to open, and the state cookie',
        description:
          'Sets `__Host-rampart_oidc` (HttpOnly; Secure; SameSite=Lax; 10 minutes) naming the caller: open `authorization_url` ' +
          'in the same browser; the provider redirects to `/api/v1/auth/oidc/{provider}/callback`, which links the identity and ' +
          'answers `{linked}` (409 `conflict` when the identity is linked to another account). Nothing is stored until then. ' +
          'An account with a password or a second factor needs a fresh authentication (401 `step_up_required`). ' +
          'An unknown provider: 404 `not_found`.',
        tags,
        body: LinkBody,
        response: { 200: LinkStarted },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      const started = await links.start(request.body.provider, actor, 'POST /api/v1/me/identities');
      reply.header('set-cookie', started.setCookie).header('cache-control', 'no-store');
      return { authorization_url: started.url.href, expires_in: STATE_TTL_MS / 1000 };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v1/me/identities/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Unlink one of the caller’s identities (never the last way to sign in)',
        description:
          'An account without a password and without a passkey keeps its last identity: 409 `conflict`. An account with a ' +
          'password or a second factor needs a fresh authentication (401 `step_up_required`). Another account’s id: 404.',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const actor = userActor(request);
      await links.unlink(request.params.id, actor, 'DELETE /api/v1/me/identities/:id');
      return reply.code(204).send();
    },
  );
}
