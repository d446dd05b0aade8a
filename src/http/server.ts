/**
 * Mounting Rampart on Fastify: `rampartPlugin` puts the chain and the routes into any Fastify
 * app (the library mode); `buildServer` makes the standalone server around it (its own Fastify
 * instance, logger, request ids, trust-proxy rule and TLS). Both drain the same way when the app
 * closes (see {@link registerDraining}).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { DomainError } from '../kernel/domain/errors.js';
import { problem, PROBLEM_CONTENT_TYPE, toProblem } from '../kernel/http/problem.js';
import { allSecurityHeaders } from '../kernel/http/chain/security-headers.js';
import { registerChain } from './chain.js';
import { requestIdFrom } from '../kernel/http/chain/request-id.js';
import { registerOpenApi } from './openapi.js';
import { registerProxyWarning } from './proxy-warning.js';
import { registerRoutes } from './routes/index.js';
import { tlsOptions } from './tls.js';
import type { Rampart } from '../rampart.js';
import { VERSION } from '../version.js';
import '../kernel/http/fastify-types.js';

export interface RampartPluginOptions {
  readonly rampart: Rampart;
  /** Routes of the host's own that should pass Rampart's chain (registered after Rampart's). */
  readonly routes?: (app: FastifyInstance, rampart: Rampart) => Promise<void>;
  /** Set by {@link buildServer}; a host app leaves it unset. */
  readonly standalone?: boolean;
  /**
   * Whether Rampart answers unknown paths (404/405 problem+json). Default: only when standalone —
   * an embedding host keeps its own 404s; a host that mounts Rampart alone may pass `true`.
   */
  readonly handleNotFound?: boolean;
}

/**
 * Draining, from the moment the app starts closing (SIGTERM): requests already in flight finish,
 * and their answers carry `Connection: close`, so a keep-alive connection ends with its last
 * answer instead of holding the drain open until RAMPART_SHUTDOWN_TIMEOUT; a request that still
 * arrives on an open connection is answered 503 `service_unavailable` as problem+json, after the
 * chain's request-id, CORS and header layers (Fastify's own closing answer is neither). Registered
 * after the chain, so it is the last `onRequest` hook.
 */
function registerDraining(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async () => {
    if (draining) throw new DomainError('service_unavailable', 'The server is shutting down; retry the request');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // HTTP/2 has no Connection header (RFC 9113 §8.2.2); its sessions are closed by the server.
    if (draining && request.raw.httpVersionMajor < 2) reply.header('connection', 'close');
    return payload;
  });
}

/**
 * The chain and every route, in an encapsulated context: the host's own routes are untouched,
 * and Rampart's routes all pass Rampart's chain.
 */
export const rampartPlugin: FastifyPluginAsync<RampartPluginOptions> = async (app, options) => {
  const { rampart } = options;
  const standalone = options.standalone === true;
  await registerChain(app, rampart, { standalone, handleNotFound: options.handleNotFound ?? standalone });
  registerDraining(app);
  await registerOpenApi(app, { version: VERSION, publicUrl: rampart.config.publicUrl });
  await registerRoutes(app, rampart);
  if (options.routes !== undefined) await options.routes(app, rampart);
};

const SECURITY_HEADERS_FOR_RAW = allSecurityHeaders()
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * Errors Fastify raises before any hook runs (a malformed percent-escape in the path, a path
 * parameter over `maxParamLength`): answered as problems with the headers and a request id, like
 * everything else, instead of Fastify's own JSON that echoes the path.
 */
function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const id = requestIdFrom(request.headers['x-request-id']);
  const { problem: body } = toProblem(error, id);
  for (const [name, value] of allSecurityHeaders()) reply.header(name, value);
  void reply.code(body.status).header('x-request-id', id).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees it. `TRACK` is not a method llhttp
 * knows, so it arrives here: it gets 405 like `TRACE`; anything else malformed gets 400.
 */
function clientErrorHandler(error: Error, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const id = requestIdFrom(undefined);
  const { code, rawPacket } = error as { code?: unknown; rawPacket?: unknown };
  const track = code === 'HPE_INVALID_METHOD' && Buffer.isBuffer(rawPacket) && rawPacket.subarray(0, 6).toString('latin1') === 'TRACK ';
  const body = track
    ? problem('method_not_allowed', 'TRACK is not allowed', id)
    : problem('validation_failed', 'The request is not valid HTTP', id);
  const payload = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${body.status} ${track ? 'Method Not Allowed' : 'Bad Request'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` +
      (track ? 'Allow: GET, HEAD, POST, PUT, PATCH, DELETE\r\n' : '') +
      `X-Request-Id: ${id}\r\n${SECURITY_HEADERS_FOR_RAW}Connection: close\r\n\r\n${payload}`,
  );
}

/** The standalone server: Rampart's own Fastify instance with the plugin at its root. */
export async function buildServer(rampart: Rampart, routes?: RampartPluginOptions['routes']): Promise<FastifyInstance> {
  const { config } = rampart;
  const https = config.tlsCert !== undefined && config.tlsKey !== undefined ? tlsOptions(config.tlsCert, config.tlsKey) : null;
  const app = Fastify({
    loggerInstance: rampart.logger,
    // One line per request, from the logging layer, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    bodyLimit: config.bodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Closing requests are answered by the draining hooks, through the chain (see registerDraining).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    frameworkErrors,
    requestTimeout: 60_000,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false },
    ...(https === null ? {} : { https }),
  }) as unknown as FastifyInstance; // the HTTPS server has the same request and reply types
  registerProxyWarning(app, rampart);
  await app.register(rampartPlugin, { rampart, standalone: true, ...(routes === undefined ? {} : { routes }) });
  return app;
}

/**
 * With TLS: a plain-HTTP listener that answers every request with a permanent redirect to the
 * same path on RAMPART_PUBLIC_URL, and nothing else.
 */
export function buildRedirectServer(publicUrl: string): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    // Concatenated, never resolved: a path like `//evil.example` must stay on our host.
    const location = `${publicUrl}${path.startsWith('/') ? path : '/'}`;
    response.writeHead(308, {
      location,
      'content-length': '0',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end();
  });
}
