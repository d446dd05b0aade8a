/**
 * Layer 2, request ID. Every response carries `X-Request-Id`: the client's own when it is a safe
 * token (≤ 128 chars of `[A-Za-z0-9._-]`), a fresh UUID otherwise — a value with CR/LF, spaces or
 * other bytes is never echoed, so it can neither split headers nor forge log lines.
 */
import { randomUuid } from '../../crypto/random.js';
import type { RequestStep } from './request-pass.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The request id for a raw `X-Request-Id` header value (also Fastify's `genReqId` when standalone). */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUuid();
}

export interface RequestIdOptions {
  /** True when Fastify's own `genReqId` is {@link requestIdFrom}, so `request.id` can be reused. */
  readonly frameworkIdIsOurs: boolean;
}

/** The step: sets `request.requestId` and echoes it. */
export function requestIdStep(options: RequestIdOptions): RequestStep {
  const reuse = options.frameworkIdIsOurs;
  return (request, reply) => {
    request.requestId = reuse ? request.id : requestIdFrom(request.headers['x-request-id']);
    reply.header('x-request-id', request.requestId);
    return undefined;
  };
}
