/**
 * Authorization, after validation and before the handler. Deny by default: at start, every route
 * must declare its access (DESIGN.md principle 2) or the server refuses to start, naming the
 * route; at run time, a permission route asks the {@link Authorizer}. A deny is 403 `forbidden`,
 * or 404 `not_found` when the caller must not learn that the org or resource exists. An allowed
 * org-scoped decision names its org, and this layer — the only one allowed to (eslint) — mints the
 * request's `tenantScope` from it.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { accessDeclarationProblem } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { mintTenantScope } from '../../domain/tenant-scope.js';
import type { Authorizer } from '../../ports/authorizer.js';
import { requestContext } from '../request-context.js';

export interface AuthorizationOptions {
  readonly authorizer: Authorizer;
}

/** Thrown at registration for a route without a valid access declaration. */
export class UndeclaredAccessError extends Error {
  constructor(method: string, url: string, problem: string) {
    super(`route ${method} ${url} ${problem}; every route must declare config.access`);
    this.name = 'UndeclaredAccessError';
  }
}

const authorization: FastifyPluginAsync<AuthorizationOptions> = async (app, options) => {
  app.decorateRequest('tenantScope', undefined);
  app.addHook('onRoute', (route) => {
    const problem = accessDeclarationProblem(route.config?.access);
    if (problem !== undefined) {
      const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
      throw new UndeclaredAccessError(method, route.url, problem);
    }
  });

  app.addHook('preHandler', (request, _reply, done) => {
    const access = request.routeConfig.access;
    // Public or authenticated: settled by authentication. No principal: an exempt address, since
    // authentication (a declared dependency, mounted before) refused every other caller without one.
    if (typeof access !== 'object' || request.principal === undefined) {
      done();
      return;
    }
    const params = request.params as Record<string, string | undefined> | undefined;
    // The caller's address and user agent as the collection policy keeps them (RAMPART_COLLECT_IP): this context is audited.
    const context = requestContext(request);
    const org = access.scope === 'org' ? params?.org : undefined;
    options.authorizer.decide({ principal: request.principal, access, org, context }).then(
      (decision) => {
        if (decision.allow) {
          if (access.scope === 'org') {
            if (decision.org === undefined) {
              done(new DomainError('forbidden', 'The decision named no org'));
              return;
            }
            request.tenantScope = mintTenantScope(decision.org, request.principal);
          }
          done();
        } else if (decision.hide === true) done(new DomainError('not_found', 'No such resource'));
        else done(new DomainError('forbidden', `This needs the ${access.permission} permission`));
      },
      (error: unknown) => done(error as Error),
    );
  });
};

// The request pass (request id, authentication) must be mounted first: a request without a
// principal gets here only from an exempt address (see above). The request id goes into the
// Authorizer's audit context.
export default fp(authorization, {
  name: 'rampart-authorization',
  fastify: '5.x',
  dependencies: ['rampart-request-pass'],
  decorators: { request: ['principal', 'requestId', 'routeConfig'] },
});
