/**
 * `rampart/express`: Express middleware for applications that trust Rampart's access tokens
 * (rampart-guard.ts states the rules). Express is the application's dependency, not Rampart's:
 * this module imports its types only, never the package.
 *
 * ```ts
 * const rampart = rampartExpress({ url: 'https://auth.example.com', client: { id, secret } });
 * await rampart.ready;
 * app.get('/vms', rampart.authenticate, rampart.authorize('vm.read'), handler);
 * ```
 * A refusal is RFC 9457 problem+json; the principal is `res.locals.rampart`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RampartGuard, type GuardRefusal, type RampartGuardOptions, type RampartPrincipal } from './rampart-guard.js';

export { RampartGuard, type RampartGuardOptions, type RampartPrincipal, type GuardRefusal } from './rampart-guard.js';

export interface RampartExpress {
  readonly guard: RampartGuard;
  /** Resolves once the revocation feed is live (at once without a client). */
  readonly ready: Promise<void>;
  /** Verifies the bearer token; sets `res.locals.rampart`. */
  readonly authenticate: RequestHandler;
  /** Asks Rampart whether the caller holds `permission` in `org(req)` (default: the token's org). */
  authorize(permission: string, org?: (req: Request) => string | undefined): RequestHandler;
  close(): Promise<void>;
}

function problem(res: Response, refusal: GuardRefusal): void {
  if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer');
  if (refusal.status === 503) res.setHeader('retry-after', '1');
  res
    .status(refusal.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://rampart.dev/problems/${refusal.code}`,
        title: refusal.code,
        status: refusal.status,
        code: refusal.code,
        detail: refusal.detail,
      }),
    );
}

function principalOf(res: Response): RampartPrincipal | undefined {
  return (res.locals as { rampart?: RampartPrincipal }).rampart;
}

export function rampartExpress(options: RampartGuardOptions): RampartExpress {
  const guard = new RampartGuard(options);
  const ready = guard.start();
  // Not awaited by the caller: never an unhandled rejection (the feed retries on its own).
  ready.catch(() => undefined);
  const authenticate: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    guard.authenticate(req.headers.authorization).then((result) => {
      if (!result.ok) return problem(res, result.refusal);
      (res.locals as { rampart?: RampartPrincipal }).rampart = result.principal;
      next();
    }, next);
  };
  return {
    guard,
    ready,
    authenticate,
    authorize(permission, org) {
      return (req: Request, res: Response, next: NextFunction) => {
        const principal = principalOf(res);
        if (principal === undefined) return problem(res, { status: 401, code: 'unauthenticated', detail: 'Authenticate first' });
        const token = RampartGuard.tokenOf(req.headers.authorization);
        guard.authorize(principal, token, permission, org?.(req) ?? principal.org).then((allowed) => {
          if (!allowed) return problem(res, { status: 403, code: 'forbidden', detail: `This needs the ${permission} permission` });
          next();
        }, next);
      };
    },
    close: () => guard.close(),
  };
}
