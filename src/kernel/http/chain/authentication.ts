/**
 * Layer 5, authentication. Asks each {@link Authenticator} in turn; the first that recognises the
 * credential decides. A credential that is presented and bad is refused (401 with its code), never
 * downgraded to "anonymous" — except on public routes, which answer the same to everyone. A route
 * that needs a caller and has none answers 401 `unauthenticated` with `WWW-Authenticate: Bearer`
 * (RFC 6750 §3).
 *
 * `unauthenticated` is for a missing credential only (spec v1.1, "Refinements"): an
 * `Authorization` header that no authenticator recognises — a forged token, a stripped signature,
 * a scheme nobody here verifies — is a credential that failed verification, 401 `token_invalid`
 * with `error="invalid_token"` (RFC 6750 §3.1). A cookie header is not a credential by itself
 * (a browser sends the host's other cookies too): only the session cookie is, and the cookie
 * authenticator refuses a bad one itself.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RouteAccess } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import type { Authenticator } from '../../ports/authenticator.js';

export interface AuthenticationOptions {
  readonly authenticators: readonly Authenticator[];
}

function exempt(access: RouteAccess | undefined, ip: string): boolean {
  if (access === undefined || access === 'public') return true;
  return typeof access === 'object' && access.exemptAddress !== undefined && access.exemptAddress(ip);
}

/** Whether the request carries an `Authorization` header with anything in it. */
function presented(authorization: string | undefined): boolean {
  return authorization !== undefined && authorization.trim() !== '';
}

function challenge(reply: FastifyReply, error?: 'invalid_token'): void {
  reply.header('www-authenticate', error === undefined ? 'Bearer realm="rampart"' : `Bearer realm="rampart", error="${error}"`);
}

const authentication: FastifyPluginAsync<AuthenticationOptions> = async (app, options) => {
  app.decorateRequest('principal', undefined);
  const authenticators = [...options.authenticators];

  async function identify(request: FastifyRequest, reply: FastifyReply, mayBeAnonymous: boolean): Promise<void> {
    for (const authenticator of authenticators) {
      const result = await authenticator.authenticate({
        method: request.method,
        authorization: request.headers.authorization,
        cookie: request.headers.cookie,
        ip: request.ip,
        headers: request.headers,
      });
      if (result.outcome === 'none') continue;
      if (result.outcome === 'authenticated') {
        request.principal = result.principal;
        return;
      }
      if (mayBeAnonymous) return;
      challenge(reply, 'invalid_token');
      throw new DomainError(result.code, result.detail);
    }
  }

  function settle(request: FastifyRequest, reply: FastifyReply, mayBeAnonymous: boolean): DomainError | undefined {
    if (request.principal !== undefined || mayBeAnonymous) return undefined;
    if (presented(request.headers.authorization)) {
      challenge(reply, 'invalid_token');
      return new DomainError('token_invalid', 'The credential in the Authorization header is not valid');
    }
    challenge(reply);
    return new DomainError('unauthenticated', 'This route needs a bearer token, an API key or a session');
  }

  // Callback style: a request without a credential (every probe, every public call) settles
  // without a promise; only a presented credential goes through the authenticators.
  app.addHook('onRequest', (request, reply, done) => {
    const access = request.routeOptions.config.access;
    const mayBeAnonymous = exempt(access, request.ip);
    const hasCredential = request.headers.authorization !== undefined || request.headers.cookie !== undefined;
    if (!hasCredential || authenticators.length === 0) {
      done(settle(request, reply, mayBeAnonymous));
      return;
    }
    identify(request, reply, mayBeAnonymous).then(
      () => done(settle(request, reply, mayBeAnonymous)),
      (error: unknown) => done(error as Error),
    );
  });
};

export default fp(authentication, { name: 'rampart-authentication', fastify: '5.x', dependencies: [] });
