/**
 * `POST /api/v1/auth/ldap/{directory}/login` and `POST /api/v1/auth/pam/login`: a directory
 * sign-in, answered exactly like a password login (identity's `LoginAnswer`: token or cookie
 * session, or the MFA challenge of an enrolled account). Both routes are always registered (and
 * documented); an unconfigured directory, or PAM when off, is 404 before anything is asked or
 * stored. Tokens are in the answer: no Idempotency-Key replay.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../../kernel/domain/errors.js';
import { secret } from '../../../kernel/domain/secret.js';
import type { RampartConfig } from '../../../kernel/config.js';
import { contextOf, LoginAnswer, type LoginResponder } from '../../../identity/index.js';
import type { DirectorySignIn, DirectorySource } from '../services/directory-sign-in.js';

const DirectoryLoginBody = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'The login name in the directory (filled into its user filter with RFC 4515 escaping; for PAM, a POSIX user name)',
    }),
    password: Type.String({
      maxLength: 1024,
      description: 'The directory password. An empty one is refused (401) before the directory is asked.',
    }),
    mode: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('cookie')], { description: 'As on /api/v1/auth/login' })),
    device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A name for the session' })),
  },
  { additionalProperties: false },
);
type DirectoryLogin = Static<typeof DirectoryLoginBody>;

const DirectoryParams = Type.Object(
  { directory: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'The directory name of RAMPART_LDAP_DIRECTORIES' }) },
  { additionalProperties: false },
);

const MINUTE = 60_000;
const COMMON =
  'The answer is that of a password login (token grant, or with `mode: "cookie"` a browser session; an account with a second factor gets the MFA challenge first). ' +
  'A wrong password, an unknown or disabled account, and an empty password all get the same 401 `invalid_credentials`; the login rate limits of a password login apply (429 with Retry-After); a directory that cannot be reached is 503 `service_unavailable`. ' +
  'A person signing in for the first time gets an account with the email the directory gives, linked to the directory entry by its stable id; when an account already holds that email, 409 `conflict` (sign in to it and link the directory). ';

export interface DirectoryRouteOptions {
  readonly signIn: DirectorySignIn;
  readonly responder: LoginResponder;
  readonly ldap: ReadonlyMap<string, DirectorySource>;
  readonly pam: DirectorySource | undefined;
  readonly config: Pick<RampartConfig, 'loginRateLimit'>;
}

export async function directoryRoutes(app: FastifyInstance, o: DirectoryRouteOptions): Promise<void> {
  const routeConfig = { access: 'public', idempotency: false, rateLimit: { max: o.config.loginRateLimit * 10, windowMs: MINUTE } } as const;
  {
    app.post<{ Params: Static<typeof DirectoryParams>; Body: DirectoryLogin }>(
      '/api/v1/auth/ldap/:directory/login',
      {
        config: routeConfig,
        schema: {
          summary: 'Sign in with an LDAP directory account',
          description:
            COMMON +
            "Rampart binds as the configured service account, finds the one entry of `username` with the directory's user filter, refuses a disabled entry (its Rampart sessions are revoked), then binds as that entry with the password. " +
            "The account's name and email follow the directory at each sign-in, and the directory's group mapping sets its roles in the mapped orgs. An unknown directory name is 404 `not_found`.",
          tags: ['auth'],
          params: DirectoryParams,
          body: DirectoryLoginBody,
          response: { 200: LoginAnswer },
        },
      },
      async (request, reply) => {
        const source = o.ldap.get(request.params.directory);
        if (source === undefined) throw new DomainError('not_found', 'No such directory');
        return signInWith(o, source, request, reply, `/api/v1/auth/ldap/${request.params.directory}/login`);
      },
    );
  }
  {
    app.post<{ Body: DirectoryLogin }>(
      '/api/v1/auth/pam/login',
      {
        config: routeConfig,
        schema: {
          summary: "Sign in with an account of the server's PAM stack",
          description:
            COMMON +
            'Rampart asks PAM (service RAMPART_PAM_SERVICE: authenticate, then account management) whether the password is right; the account gets the email `<username>@RAMPART_PAM_EMAIL_DOMAIN`. `username` must be a POSIX user name. Without RAMPART_PAM_SERVICE, 404 `not_found`.',
          tags: ['auth'],
          body: DirectoryLoginBody,
          response: { 200: LoginAnswer },
        },
      },
      async (request, reply) => {
        if (o.pam === undefined) throw new DomainError('not_found', 'PAM sign-in is not configured');
        return signInWith(o, o.pam, request, reply, '/api/v1/auth/pam/login');
      },
    );
  }
}

async function signInWith(
  o: DirectoryRouteOptions,
  source: DirectorySource,
  request: Parameters<LoginResponder['complete']>[0] & { body: DirectoryLogin },
  reply: Parameters<LoginResponder['complete']>[1],
  path: string,
): Promise<Static<typeof LoginAnswer>> {
  const { username, password, mode, device_name: deviceName } = request.body;
  // The cookie-mode Origin check comes first: a cross-site form never reaches the directory. (A
  // token login's DPoP proof is checked once, by `complete`.)
  if (mode === 'cookie') await o.responder.bindingOf(request, { mode, path });
  const user = await o.signIn.prove(source, username, secret(password), contextOf(request));
  return o.responder.complete(
    request,
    reply,
    user,
    { firstFactor: source.provider, ...(deviceName === undefined ? {} : { deviceName }) },
    { mode, path },
  );
}
