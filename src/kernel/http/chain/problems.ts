/**
 * Every error and every unknown route leaves through {@link toProblem}: RFC 9457
 * problem+json with the request id. Faults of ours are logged with their cause and answered as 500
 * `internal_error` with nothing but the request id. An unknown path is 404 `not_found`; a known
 * path with another method is 405 with `Allow` (RFC 9110 §15.5.6), which lists `HEAD` wherever
 * Fastify serves it for a `GET`.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors.js';
import { PROBLEM_CONTENT_TYPE, problem, retryAfterOf, toProblem } from '../problem.js';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

function idOf(request: FastifyRequest): string {
  return request.requestId || request.id;
}

/** The id for a log line: the request logger already carries Fastify's, so only a different one. */
function logId(request: FastifyRequest): { request_id?: string } {
  return idOf(request) === request.id ? {} : { request_id: idOf(request) };
}

function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] ?? url;
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}

async function notFound(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const allow = allowedMethods(this, request.url);
  const body =
    allow.length > 0
      ? problem('method_not_allowed', `${request.method} is not allowed here; use ${allow.join(', ')}`, idOf(request))
      : problem('not_found', 'No such resource', idOf(request));
  if (allow.length > 0) reply.header('allow', allow.join(', '));
  await reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

export interface ProblemsOptions {
  /** Set the not-found handler too (standalone); an embedding host keeps its own 404s. */
  readonly notFound: boolean;
}

const problems: FastifyPluginAsync<ProblemsOptions> = async (app, options) => {
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const { problem: body, internal } = toProblem(error, idOf(request));
    // RFC 9110 §10.2.3: a refusal that names when to retry (a busy hasher, a login limit, any 503) says so.
    const retryAfter = retryAfterOf(error, body);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (internal) request.log.error({ err: error, ...logId(request) }, 'unexpected error');
    else if (!(error instanceof DomainError)) request.log.debug({ code: body.code, ...logId(request) }, 'request refused');
    await reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
  });
  if (options.notFound) app.setNotFoundHandler(notFound);
};

// No dependency: the request id is read when an error is answered, after request-id's onRequest
// hook (the spec mounts problems before it), and request.id stands in when there is none.
export default fp(problems, { name: 'rampart-problems', fastify: '5.x', dependencies: [] });
