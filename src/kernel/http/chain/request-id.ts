/**
 * Layer 2, request ID. Every response carries `X-Request-Id`: the client's own when it is a safe
 * token (≤ 128 chars of `[A-Za-z0-9._-]`), a fresh UUID otherwise — a value with CR/LF, spaces or
 * other bytes is never echoed, so it can neither split headers nor forge log lines.
 */
import { randomUuid } from '../../crypto/random.js';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The request id for a raw `X-Request-Id` header value (also Fastify's `genReqId` when standalone). */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUuid();
}

export interface RequestIdOptions {
  /** True when Fastify's own `genReqId` is {@link requestIdFrom}, so `request.id` can be reused. */
  readonly frameworkIdIsOurs: boolean;
}

const requestId: FastifyPluginAsync<RequestIdOptions> = async (app, options) => {
  app.decorateRequest('requestId', '');
  // Callback-style hooks on the hot path: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    request.requestId = options.frameworkIdIsOurs ? request.id : requestIdFrom(request.headers['x-request-id']);
    reply.header('x-request-id', request.requestId);
    done();
  });
};

export default fp(requestId, { name: 'rampart-request-id', fastify: '5.x', dependencies: [] });
