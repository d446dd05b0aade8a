/**
 * `/api/v1/auth/oidc/*` (spec "Email, recovery and identities"): the providers' list, the start
 * of a sign-in (302 to the provider with the state cookie), and the callback — the normal login
 * answer (identity's `signIn`: MFA still enforced), or for a link the identity linked.
 *
 * Token mode through a browser redirect (docs/decisions/025-federated-sign-in.md): the callback
 * request itself answers the login answer as JSON (`Cache-Control: no-store`); the client that
 * opened the browser on the start URL reads that answer (a native app through its loopback or
 * in-app browser, a web page that navigated there). Cookie mode sets the session cookie on that
 * same answer; the state cookie is what proves the same browser started the flow, so no Origin
 * is needed for it (a provider's redirect is cross-site).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LoginAnswer, type Identity } from '../../../identity/index.js';
import { requestContext } from '../../../kernel/http/request-context.js';
import { listCursorsOf, ListQueryProperties, listPageSchema } from '../../../kernel/http/cursor.js';
import { clearStateCookie } from '../crypto/oidc-state-cookie.js';
import type { FederatedSignIn } from '../services/federated-sign-in.js';
import { IdentityJson, identityJson } from '../../identities/routes/identity-json.js';

const ProviderParams = Type.Object(
  {
    provider: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^[a-z0-9][a-z0-9-]*$',
      description: 'The provider name, as configured',
    }),
  },
  { additionalProperties: false },
);
const StartQuery = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('token'), Type.Literal('cookie')], {
        description: 'The session the callback opens: `token` (default: a token grant in the JSON answer) or `cookie` (a browser session)',
      }),
    ),
  },
  { additionalProperties: false },
);
const param = (description: string) => Type.Optional(Type.String({ maxLength: 2048, description }));
/** The authorization response (RFC 6749 §4.1.2, RFC 9207 `iss`) and what known providers add to it. */
const CallbackQuery = Type.Object(
  {
    code: param('The authorization code'),
    state: param('The state the start sent'),
    iss: param('RFC 9207: the issuer that answered'),
    error: param('The provider refused (RFC 6749 §4.1.2.1)'),
    error_description: param('The provider’s explanation'),
    error_uri: param('Where the provider explains the error'),
    session_state: param('OIDC Session Management (ignored)'),
    scope: param('Scopes granted (Google; ignored)'),
    authuser: param('Google (ignored)'),
    prompt: param('Google (ignored)'),
    hd: param('Google Workspace domain (ignored)'),
  },
  { additionalProperties: false },
);
const Linked = Type.Object(
  { linked: IdentityJson },
  { additionalProperties: false, description: 'A link flow (started by `POST /api/v1/me/identities`) ended: the identity now linked' },
);
const ListQuery = Type.Object({ ...ListQueryProperties }, { additionalProperties: false });
const ProviderJson = Type.Object(
  {
    name: Type.String({ description: 'The path segment of its routes; identities from it are `oidc:<name>`' }),
    display_name: Type.String(),
    kind: Type.Union([Type.Literal('oidc'), Type.Literal('oauth2')]),
    start_url: Type.String({ description: 'Where a browser goes to sign in with it' }),
  },
  { additionalProperties: false },
);

export async function oidcRoutes(app: FastifyInstance, flows: FederatedSignIn, identity: Pick<Identity, 'signIn'>): Promise<void> {
  const tags = ['auth'];

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/auth/oidc',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The sign-in providers configured (RAMPART_OIDC_PROVIDERS)',
        description:
          'For a login page: each provider’s name, display name, kind and start URL. No secret, no endpoint. ' +
          'In the configured order, a page at a time: `{items, next_cursor}` (spec v1.1).',
        tags,
        querystring: ListQuery,
        response: { 200: listPageSchema(ProviderJson, 'The configured sign-in providers') },
      },
    },
    (request) =>
      listCursorsOf(request).pageInMemory(
        { list: 'oidc-providers', owner: 'public' },
        flows.providers.map(({ provider }, index) => ({ provider, position: String(index).padStart(6, '0') })),
        request.query,
        (entry) => entry.position,
        ({ provider }) => ({
          name: provider.name,
          display_name: provider.displayName,
          kind: provider.kind,
          start_url: `/api/v1/auth/oidc/${provider.name}/start`,
        }),
      ),
  );

  app.get<{ Params: Static<typeof ProviderParams>; Querystring: Static<typeof StartQuery> }>(
    '/api/v1/auth/oidc/:provider/start',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Start a sign-in at a provider: 302 to it (authorization code, PKCE S256, state, nonce)',
        description:
          'Sets `__Host-rampart_oidc` (HttpOnly; Secure; SameSite=Lax; Path=/; 10 minutes): the sealed state, nonce, PKCE ' +
          'verifier and `mode`, which the callback must find again in the same browser. An unknown provider: 404 `not_found`; ' +
          'a provider whose discovery cannot be reached: 503 `service_unavailable`.',
        tags,
        params: ProviderParams,
        querystring: StartQuery,
        response: { 302: Type.Null({ description: 'Location: the provider’s authorization URL' }) },
      },
    },
    async (request, reply) => {
      const started = await flows.start(request.params.provider, request.query.mode ?? 'token');
      return reply.header('set-cookie', started.setCookie).header('cache-control', 'no-store').redirect(started.url.href, 302);
    },
  );

  app.get<{ Params: Static<typeof ProviderParams>; Querystring: Static<typeof CallbackQuery> }>(
    '/api/v1/auth/oidc/:provider/callback',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The provider’s redirect back: the login answer (or, for a link, the identity linked)',
        description:
          'The exact redirect URI registered at the provider: `{RAMPART_PUBLIC_URL}/api/v1/auth/oidc/{provider}/callback`. ' +
          'The state cookie must be present and match `state` (else 403 `csrf_failed`, and nothing is asked of the provider); ' +
          'the code is exchanged with the PKCE verifier, and the ID token checked by openid-client (signature, `iss`, `aud`, ' +
          '`exp`, `nonce`): a failed check, a provider error or a replayed code is 401 `invalid_credentials`. ' +
          'Then: a linked identity signs in its account; an unlinked one is linked to the account with its email only when the ' +
          'provider asserts the email verified AND the account’s email is verified — otherwise 409 `conflict` (sign in to the ' +
          'account and link from `/api/v1/me/identities`); no account: one is created only for a provider-verified email when the ' +
          'provider’s `provision` (default RAMPART_SELF_REGISTRATION) allows, else 403 `forbidden`. ' +
          'The answer is the normal login answer in the mode the start asked for: token mode answers the grant as JSON here; ' +
          'cookie mode sets `__Host-rampart_session`; an account with a second factor gets `mfa_required` (finish with ' +
          '`POST /api/v1/auth/mfa/verify`). The state cookie is cleared whatever the outcome.',
        tags,
        params: ProviderParams,
        querystring: CallbackQuery,
        response: { 200: Type.Union([...LoginAnswer.anyOf, Linked]) },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      reply.header('set-cookie', clearStateCookie()).header('cache-control', 'no-store');
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(request.query)) if (value !== undefined) query.set(name, value);
      const outcome = await flows.finish(provider, query, request.headers.cookie, requestContext(request));
      if (outcome.kind === 'linked') return { linked: identityJson(outcome.identity) };
      return identity.signIn.complete(
        request,
        reply,
        outcome.user,
        { firstFactor: outcome.provider },
        { mode: outcome.mode, path: `/api/v1/auth/oidc/${provider}/callback`, sameBrowserProven: true },
      );
    },
  );
}
