/**
 * Layer 1, logging: one JSON line per request when it completes — id, method, route, path
 * (sensitive query values redacted), status, duration, address — and nothing else: headers and
 * bodies are never logged. An observer of the request pass's `onResponse` (request-pass.ts).
 *
 * The line is built here, from values that cannot hold a secret, with the URL redacted here
 * (query values and any credential-shaped path segment) and the address minimised as the
 * server's collection policy says (`RAMPART_COLLECT_IP`), then written pre-serialised: given a
 * raw line sink (the standalone server's logger, of Rampart's own format: pino-logger.ts's
 * `rawLineStream`) it goes straight to the buffered destination, without a per-request child
 * logger, a deep copy or pino's serialisation. A host application's logger gets the same fields
 * through its own `request.log`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PRE_REDACTED, redactText } from '../../domain/redaction.js';
import { collectedIp, type CollectionPolicy } from '../request-context.js';
import type { ResponseObserver } from './request-pass.js';

const MESSAGE = 'request completed';

function addressOf(request: FastifyRequest): string | null {
  const policy = request.server.collection as CollectionPolicy | undefined;
  return policy === undefined ? request.ip : collectedIp(request.ip, policy.ip);
}

function durationMs(reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 100) / 100;
}

/** The ISO time of the current millisecond, made once per millisecond however many lines share it. */
let lastMs = Number.NaN;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/**
 * The line as {@link createLogger}'s format writes it (level label, ISO time, `service`),
 * pre-serialised. Quoted without escaping: the method (HTTP's parser admits only tokens) and the
 * standalone server's request id (request-id.ts's `requestIdFrom`: `[A-Za-z0-9._-]` or a UUID). Everything a
 * client chose freely (the URL, a proxy-given address) goes through `JSON.stringify`.
 */
function serialisedLine(request: FastifyRequest, reply: FastifyReply, level: 'info' | 'error'): string {
  const id = request.id as string;
  const other = request.requestId !== '' && request.requestId !== id ? `,"request_id":"${request.requestId}"` : '';
  const route = request.routeConfig.url;
  return (
    `{"level":"${level}","time":"${isoNow()}","service":"rampart","reqId":"${id}"${other}` +
    `,"method":"${request.method}","route":${route === undefined ? 'null' : JSON.stringify(route)}` +
    `,"url":${JSON.stringify(redactText(request.url))},"status":${reply.statusCode},"ms":${durationMs(reply)}` +
    `,"ip":${JSON.stringify(addressOf(request))},"msg":"${MESSAGE}"}\n`
  );
}

/** The same fields as an object, for a logger of another format (marked pre-redacted: the logger skips its copy). */
function lineFields(request: FastifyRequest, reply: FastifyReply): Record<string | symbol, unknown> {
  return {
    [PRE_REDACTED]: true,
    // The request logger already carries Fastify's id; a host app's may differ from ours.
    ...(request.requestId === request.id ? {} : { request_id: request.requestId }),
    method: request.method,
    route: request.routeConfig.url ?? null,
    url: redactText(request.url),
    status: reply.statusCode,
    ms: durationMs(reply),
    ip: addressOf(request),
  };
}

/** Where pre-serialised lines go: a stream of the logger's own format, and its level check. */
export interface RawLineSink {
  write(line: string): unknown;
  enabled(level: 'info' | 'error'): boolean;
}

export interface AccessLogOptions {
  /** The standalone server's sink; `undefined` when embedded (lines go through `request.log`). */
  readonly raw: RawLineSink | undefined;
}

/** The observer writing the access line. */
export function accessLogObserver(options: AccessLogOptions): ResponseObserver {
  const raw = options.raw;
  if (raw === undefined) {
    return (request, reply) => {
      if (reply.statusCode >= 500) request.log.error(lineFields(request, reply), MESSAGE);
      else request.log.info(lineFields(request, reply), MESSAGE);
    };
  }
  return (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (raw.enabled(level)) raw.write(serialisedLine(request, reply, level));
  };
}
