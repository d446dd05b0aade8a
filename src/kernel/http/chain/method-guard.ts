/**
 * `TRACE` (and `TRACK`, which Node's parser refuses before Fastify sees it: see
 * `server.ts`'s client-error handler) echo requests back and serve cross-site tracing; they are 405
 * everywhere.
 */
import { DomainError } from '../../domain/errors.js';
import type { RequestStep } from './request-pass.js';

export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['TRACE', 'TRACK']);

/** The step: 405 with `Allow` for TRACE (TRACK never gets this far). */
export const methodGuardStep: RequestStep = (request, reply) => {
  if (!FORBIDDEN_METHODS.has(request.method)) return undefined;
  reply.header('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE');
  return new DomainError('method_not_allowed', `${request.method} is not allowed`);
};
