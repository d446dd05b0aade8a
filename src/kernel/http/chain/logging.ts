/**
 * Layer 1, logging: one JSON line per request when it completes — id, method, route, path
 * (sensitive query values redacted), status, duration, address — through the redacting logger.
 * Headers and bodies are never logged.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { PRE_REDACTED, redactText } from '../../domain/redaction.js';

const logging: FastifyPluginAsync = async (app) => {
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    // Built from values that cannot hold a secret, and the URL redacted here (query values and any
    // credential-shaped path segment), so the logger skips its deep copy on this hot path.
    const line = {
      [PRE_REDACTED]: true,
      // The request logger already carries Fastify's id; a host app's may differ from ours.
      ...(request.requestId === request.id ? {} : { request_id: request.requestId }),
      method: request.method,
      route: request.routeOptions.url ?? null,
      url: redactText(request.url),
      status,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ip: request.ip,
    };
    if (status >= 500) request.log.error(line, 'request completed');
    else request.log.info(line, 'request completed');
    done();
  });
};

// No dependency: request.requestId is read in onResponse, after request-id's onRequest hook has
// run wherever it is mounted (the spec mounts logging first), and a missing one is left out of the line.
export default fp(logging, { name: 'rampart-logging', fastify: '5.x', dependencies: [] });
