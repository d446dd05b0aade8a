/**
 * `rampart/fastify`: a Fastify plugin for applications that trust Rampart's access tokens
 * (rampart-guard.ts states the rules). Registering it decorates every request with `rampart`
 * (the principal, or `undefined` before authentication) and gives the instance
 * `rampartAuthenticate` (a preHandler that refuses with RFC 9457 problem+json) and
 * `rampartAuthorize(permission, org?)` (a preHandler that asks Rampart, 403 on a deny). The feed
 * connects when the plugin registers; it closes with the instance.
 *
 * ```ts
 * await app.register(rampartFastify, { url: 'https://auth.example.com', client: { id, secret } });
 * app.get('/vms', { preHandler: [app.rampartAuthenticate, app.rampartAuthorize('vm.read')] }, …);
 * ```
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { RampartGuard, type GuardRefusal, type RampartGuardOptions, type RampartPrincipal } from './rampart-guard.js';

export { RampartGuard, type RampartGuardOptions, type RampartPrincipal, type GuardRefusal } from './rampart-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, set by `rampartAuthenticate`. */
    rampart: RampartPrincipal | undefined;
  }
  interface FastifyInstance {
    readonly rampartGuard: RampartGuard;
    readonly rampartAuthenticate: preHandlerAsyncHookHandler;
    rampartAuthorize(permission: string, org?: (request: FastifyRequest) => string | undefined): preHandlerAsyncHookHandler;
  }
}

/** Options of the plugin: the guard's, and whether to wait for the feed before the app is ready (default true). */
export interface RampartFastifyOptions extends RampartGuardOptions {
  readonly waitForFeed?: boolean;
}

function problem(reply: FastifyReply, refusal: GuardRefusal): FastifyReply {
  if (refusal.status === 401) reply.header('www-authenticate', 'Bearer');
  if (refusal.status === 503) reply.header('retry-after', '1');
  return reply
    .code(refusal.status)
    .type('application/problem+json')
    .send({
      type: `https://rampart.dev/problems/${refusal.code}`,
      title: refusal.code,
      status: refusal.status,
      code: refusal.code,
      detail: refusal.detail,
    });
}

async function plugin(app: FastifyInstance, options: RampartFastifyOptions): Promise<void> {
  const guard = new RampartGuard(options);
  app.decorate('rampartGuard', guard);
  app.decorateRequest('rampart', undefined);
  app.addHook('onClose', () => guard.close());
  const authenticate: preHandlerAsyncHookHandler = async function (request, reply) {
    const result = await guard.authenticate(request.headers.authorization);
    if (!result.ok) return problem(reply, result.refusal);
    request.rampart = result.principal;
  };
  app.decorate('rampartAuthenticate', authenticate);
  app.decorate('rampartAuthorize', (permission: string, org?: (request: FastifyRequest) => string | undefined) => {
    const handler: preHandlerAsyncHookHandler = async function (request, reply) {
      const principal = request.rampart;
      if (principal === undefined) return problem(reply, { status: 401, code: 'unauthenticated', detail: 'Authenticate first' });
      const allowed = await guard.authorize(
        principal,
        RampartGuard.tokenOf(request.headers.authorization),
        permission,
        org?.(request) ?? principal.org,
      );
      if (!allowed) return problem(reply, { status: 403, code: 'forbidden', detail: `This needs the ${permission} permission` });
    };
    return handler;
  });
  if (options.waitForFeed !== false) await guard.start();
  else void guard.start();
}

/** The plugin (fastify-plugin: its decorations reach the registering instance). */
export const rampartFastify = fp(plugin, { name: 'rampart-middleware', fastify: '5.x' });
export default rampartFastify;
