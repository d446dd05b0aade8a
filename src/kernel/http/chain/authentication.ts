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
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAccess } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import type { AuthenticationResult } from '../../domain/principal.js';
import type { Authenticator, CredentialRequest } from '../../ports/authenticator.js';
import { collectedAddress, requestContext } from '../request-context.js';
import type { RequestStep, StepResult } from './request-pass.js';

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

/** Whether the route may answer a caller without a principal. */
function mayBeAnonymous(request: FastifyRequest): boolean {
  return exempt(request.routeConfig.access, request.ip);
}

/** The principal's absence, judged once every authenticator has had its say. */
function settle(request: FastifyRequest, reply: FastifyReply, anonymous: boolean): StepResult {
  if (request.principal !== undefined || anonymous) return undefined;
  if (presented(request.headers.authorization)) {
    challenge(reply, 'invalid_token');
    return new DomainError('token_invalid', 'The credential in the Authorization header is not valid');
  }
  challenge(reply);
  return new DomainError('unauthenticated', 'This route needs a bearer token, an API key or a session');
}

/** Applies the first decisive result: the principal, or the refusal. */
function decide(request: FastifyRequest, reply: FastifyReply, anonymous: boolean, result: AuthenticationResult): StepResult {
  if (result.outcome === 'authenticated') {
    request.principal = result.principal;
    return undefined;
  }
  if (result.outcome === 'none' || anonymous) return undefined;
  challenge(reply, 'invalid_token');
  return new DomainError(result.code, result.detail);
}

/**
 * The step. A request without a credential (every probe, every public call) settles without a
 * promise; so does one that an authenticator judges from memory (`authenticateNow`: a bearer
 * token verified before). Only a credential that needs I/O goes through `authenticate`, from the
 * first authenticator that could not judge it from memory on — the order is the same either way.
 */
export function authenticationStep(options: AuthenticationOptions): RequestStep {
  const authenticators = [...options.authenticators];

  async function identify(
    request: FastifyRequest,
    reply: FastifyReply,
    anonymous: boolean,
    credentials: CredentialRequest,
    from: number,
  ): Promise<StepResult> {
    for (let i = from; i < authenticators.length; i++) {
      const result = await (authenticators[i] as Authenticator).authenticate(credentials);
      if (result.outcome !== 'none') return decide(request, reply, anonymous, result);
    }
    return settle(request, reply, anonymous);
  }

  return (request, reply) => {
    const anonymous = mayBeAnonymous(request);
    const headers = request.headers;
    if ((headers.authorization === undefined && headers.cookie === undefined) || authenticators.length === 0) {
      return settle(request, reply, anonymous);
    }
    const credentials: CredentialRequest = {
      method: request.method,
      authorization: headers.authorization,
      cookie: headers.cookie,
      // Only an audit entry of a refusal needs the address and the user agent: minimised when read.
      get ip() {
        return collectedAddress(request);
      },
      get userAgent() {
        return requestContext(request).userAgent;
      },
      headers,
    };
    for (let i = 0; i < authenticators.length; i++) {
      const now = (authenticators[i] as Authenticator).authenticateNow?.(credentials);
      if (now === undefined) return identify(request, reply, anonymous, credentials, i);
      if (now.outcome !== 'none') return decide(request, reply, anonymous, now);
    }
    return settle(request, reply, anonymous);
  };
}
