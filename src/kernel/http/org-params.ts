/** What the org-scoped routes share: the `{org}` parameter, the request's tenant scope and actor. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { TenantScope } from '../domain/tenant-scope.js';
import type { PrincipalActor } from '../domain/request-context.js';
import { requestContext } from './request-context.js';

/** The `{org}` path parameter: an org id (`org_…`) or a slug. */
export const OrgParam = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'org id or slug' });

/** The acting principal and the request's audit context. */
export function tenancyActor(request: FastifyRequest): PrincipalActor {
  const principal = request.principal;
  if (principal === undefined) throw new DomainError('unauthenticated', 'Authentication is required');
  return { ...requestContext(request), principal };
}

/** The scope the authorization layer minted for this org-scoped route. */
export function scopeOf(request: FastifyRequest): TenantScope {
  const scope = request.tenantScope;
  if (scope === undefined) throw new DomainError('forbidden', 'No tenant scope was granted');
  return scope;
}
