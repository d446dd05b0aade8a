/**
 * `TRACE` (and `TRACK`, which Node's parser refuses before Fastify sees it: see
 * `server.ts`'s client-error handler) echo requests back and serve cross-site tracing; they are 405
 * everywhere.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors.js';

export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['TRACE', 'TRACK']);

const methodGuard: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', (request, reply, done) => {
    if (!FORBIDDEN_METHODS.has(request.method)) {
      done();
      return;
    }
    reply.header('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE');
    done(new DomainError('method_not_allowed', `${request.method} is not allowed`));
  });
};

export default fp(methodGuard, { name: 'rampart-method-guard', fastify: '5.x', dependencies: [] });
