/** The audit context of a request (IP, user agent, request id) and its calling user. */
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { RequestContext, UserActor } from '../domain/request-context.js';

export function requestContext(request: FastifyRequest): RequestContext {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined, requestId: request.requestId };
}

/** The calling user (a 403 for any other principal type) with its request context. */
export function userActor(request: FastifyRequest): UserActor & { readonly sessionId: string | undefined } {
  const principal = request.principal;
  if (principal === undefined || principal.type !== 'user') throw new DomainError('forbidden', 'Only a user may do this');
  return { ...requestContext(request), userId: principal.id, sessionId: principal.sessionId };
}
