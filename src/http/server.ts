/**
 * Mounting Rampart on Fastify: `rampartPlugin` puts the chain and the routes into any Fastify
 * app (the library mode); `buildServer` makes the standalone server around it (its own Fastify
 * instance, logger, request ids, trust-proxy rule and TLS). Both drain the same way when the app
 * closes (see {@link registerDraining}).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE, toProblem } from '../kernel/http/problem.js';
import { allSecurityHeaders } from '../kernel/http/chain/security-headers.js';
import { registerChain } from './chain.js';
import { bodySchemaRule } from './body-schema-rule.js';
import { lazyChildLogger } from '../kernel/adapters/log/lazy-logger.js';
import { flushLog } from '../kernel/adapters/log/pino-logger.js';
import { requestIdFrom } from '../kernel/http/chain/request-id.js';
import { registerOpenApi } from './openapi.js';
import { registerProxyWarning } from './proxy-warning.js';
import { registerRoutes } from './routes/index.js';
import { installListCursors } from '../kernel/http/cursor.js';
import { tlsOptions } from './tls.js';
import type { Rampart } from '../rampart.js';
import { Counter } from 'prom-client';
import type { Logger } from '../kernel/adapters/log/pino-logger.js';
import { randomUuid } from '../kernel/crypto/random.js';
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
 * arrives on an open connection is answered 503 `service_unavailable` as problem+json by the
 * chain's draining step, after its request-id, CORS and header steps (Fastify's own closing answer
 * is neither). Returns whether the app is closing.
 */
function registerDraining(app: FastifyInstance): () => boolean {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    // HTTP/2 has no Connection header (RFC 9113 §8.2.2); its sessions are closed by the server.
    if (draining && request.raw.httpVersionMajor < 2) reply.header('connection', 'close');
    done(null, payload);
  });
  return () => draining;
}

/**
 * The chain and every route, in an encapsulated context: the host's own routes are untouched,
 * and Rampart's routes all pass Rampart's chain.
 */
export const rampartPlugin: FastifyPluginAsync<RampartPluginOptions> = async (app, options) => {
  const { rampart } = options;
  const standalone = options.standalone === true;
  const draining = registerDraining(app);
  await registerChain(app, rampart, { standalone, handleNotFound: options.handleNotFound ?? standalone, draining });
  await app.register(bodySchemaRule);
  installListCursors(app, () => rampart.cursorKey());
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
    // No child logger per request: `request.log` makes one only when a route logs (lazy-logger.ts).
    childLoggerFactory: lazyChildLogger,
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
  // The access lines of the last requests are in the log's buffer: written before the server is closed.
  app.addHook('onClose', async () => flushLog(rampart.logger));
  await app.register(rampartPlugin, { rampart, standalone: true, ...(routes === undefined ? {} : { routes }) });
  return app;
}

/** What the plain-HTTP listener reports a refused API request to (V4.1.2). */
export interface PlainHttpWatch {
  /** Counts refused requests, by whether they carried a credential (`Authorization` or a cookie). */
  readonly refused?: Counter<'credential'>;
  /** Gets one aggregated warning per {@link PLAIN_HTTP_LOG_WINDOW_MS}: never a header, a body or a query string. */
  readonly logger?: Pick<Logger, 'warn'>;
  readonly now?: () => number;
}

/** Refused plain-HTTP API requests are logged at most once per this window, with their count. */
export const PLAIN_HTTP_LOG_WINDOW_MS = 60_000;

/** A request a person's browser makes by following a plain `http://` link: a GET or HEAD outside the API. */
function browserNavigation(method: string | undefined, path: string): boolean {
  const api = path === '/api' || path.startsWith('/api/') || path.startsWith('/api?');
  return (method === 'GET' || method === 'HEAD') && !api;
}

/**
 * With TLS: the plain-HTTP listener (V4.1.2). It redirects (308, to the same path on
 * RAMPART_PUBLIC_URL and nowhere else) only what a person's browser asks for — a GET or HEAD of a
 * path outside `/api`. Anything else — the API, and any other method — is refused with 403
 * `https_required` and never redirected: a client that sent a password or a bearer token in
 * clear must fail, not keep working through a redirect that hides the leak. Each refusal is
 * counted (`rampart_plain_http_refused_total`) and logged in aggregate, with whether a credential
 * came with it (it may need revoking) — never the credential.
 */
export function buildRedirectServer(publicUrl: string, watch: PlainHttpWatch = {}): Server {
  const now = watch.now ?? Date.now;
  let window = { startedAt: 0, count: 0, withCredential: 0 };
  const report = (credential: boolean, method: string, path: string): void => {
    watch.refused?.inc({ credential: credential ? 'yes' : 'no' });
    const at = now();
    if (at - window.startedAt >= PLAIN_HTTP_LOG_WINDOW_MS) {
      if (window.count > 0) {
        watch.logger?.warn({ refused: window.count, with_credential: window.withCredential }, 'plain-HTTP API requests refused');
      }
      window = { startedAt: at, count: 0, withCredential: 0 };
      // The first of a window at once: a credential sent in clear is news an operator wants now.
      watch.logger?.warn({ method, path, credential }, 'a plain-HTTP API request was refused; a credential sent with it may need revoking');
      return;
    }
    window.count += 1;
    if (credential) window.withCredential += 1;
  };
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    if (!browserNavigation(request.method, path)) {
      const credential = request.headers.authorization !== undefined || request.headers.cookie !== undefined;
      // The path without its query string: a token in a query must not reach the log.
      report(credential, request.method ?? '', path.split('?')[0] ?? '');
      const body = JSON.stringify(
        problem('https_required', `Use HTTPS (${publicUrl}): the API is not served over plain HTTP, and nothing was done`, randomUuid()),
      );
      response.writeHead(403, {
        'content-type': PROBLEM_CONTENT_TYPE,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'close',
      });
      response.end(body);
      return;
    }
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

/** The counter of refused plain-HTTP requests, registered on `rampart.metrics` by the start. */
export function plainHttpRefusedCounter(): Counter<'credential'> {
  return new Counter({
    name: 'rampart_plain_http_refused_total',
    help: 'Requests refused by the plain-HTTP listener (API paths and non-GET methods), by whether they carried a credential',
    labelNames: ['credential'],
    registers: [],
  });
}
