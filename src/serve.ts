/**
 * Running the standalone server: start (stores, migrations, listeners) and stop (drain in-flight
 * requests, then close the stores, so that an acknowledged write is never lost). `closeOnSignal`
 * is the one place SIGTERM/SIGINT are handled, for `rampart serve` and for any process that runs
 * {@link startServer} itself.
 */
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { initialiseDataDirectory } from './kernel/adapters/fs/initialise-data-directory.js';
import { publicUrlIsDefault, withListenPort, type RampartConfig } from './kernel/config.js';
import { buildRedirectServer, buildServer, plainHttpRefusedCounter } from './http/server.js';
import { createRampart, type Rampart, type RampartOptions } from './rampart.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly rampart: Rampart;
  /** The URL the server listens on (with the port it got when RAMPART_PORT is 0). */
  readonly url: string;
  readonly redirectUrl: string | undefined;
  /** Stops accepting, waits for in-flight requests (at most RAMPART_SHUTDOWN_TIMEOUT), closes the stores. */
  close(): Promise<void>;
}

export interface StartOptions extends RampartOptions {
  /** Extra routes in Rampart's context (they pass the whole chain); used by embedding hosts and tests. */
  readonly routes?: (app: FastifyInstance, rampart: Rampart) => Promise<void>;
}

function listenUrl(scheme: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** The data directory and master key file, as every start prepares them (`rampart init`). */
export { initialiseDataDirectory };

function listenRedirect(config: RampartConfig, rampart: Rampart): Promise<Server> {
  // V4.1.2: refused plain-HTTP API requests are counted on /metrics and logged in aggregate.
  const refused = plainHttpRefusedCounter();
  rampart.metrics.registerMetric(refused);
  const server = buildRedirectServer(config.publicUrl, { refused, logger: rampart.logger });
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpRedirectPort, config.host, () => resolve(server));
  });
}

/** A port free on `host` now: bound on port 0, read, released. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The configuration the server listens with: with RAMPART_PORT=0 and no RAMPART_PUBLIC_URL, the
 * port is chosen before Rampart starts, so that the token issuer, the CSRF origin and every link
 * name the port clients reach (the public URL defaults to the listening address). A port taken
 * between the choice and the listen fails the start with EADDRINUSE; it is not retried.
 */
export async function listeningConfig(config: RampartConfig): Promise<RampartConfig> {
  if (config.port !== 0 || !publicUrlIsDefault(config)) return config;
  return withListenPort(config, await freePort(config.host));
}

/**
 * Starts the standalone server: data directory, stores and migrations, then the listeners. When
 * any step fails, whatever already started is stopped again before the error is thrown, so a
 * failed start leaves no listener and no open store behind (a redirect port already in use must
 * not leave the HTTPS port serving, nor the process alive).
 */
export async function startServer(given: RampartConfig, options: StartOptions = {}): Promise<RunningServer> {
  initialiseDataDirectory(given);
  const config = await listeningConfig(given);
  // The standalone server records its configuration at start (`config.start`, issue 22 item 1).
  const rampart = await createRampart(config, { recordConfigStart: true, ...options });
  let app: FastifyInstance | undefined;
  let redirect: Server | undefined;
  try {
    app = await buildServer(rampart, options.routes);
    await app.listen({ host: config.host, port: config.port });
    if (config.httpRedirectPort !== undefined) redirect = await listenRedirect(config, rampart);
  } catch (error) {
    await app?.close();
    await rampart.close();
    throw error;
  }
  const running = app;
  const scheme = config.tlsCert === undefined ? 'http' : 'https';
  let closing: Promise<void> | undefined;
  return {
    app: running,
    rampart,
    url: listenUrl(scheme, running.server.address() as AddressInfo),
    redirectUrl: redirect === undefined ? undefined : listenUrl('http', redirect.address() as AddressInfo),
    close() {
      closing ??= (async () => {
        const force = setTimeout(() => running.server.closeAllConnections(), config.shutdownTimeout * 1000);
        force.unref();
        try {
          redirect?.close();
          await running.close();
        } finally {
          clearTimeout(force);
          await rampart.close();
        }
      })();
      return closing;
    },
  };
}

/** The signals that stop the server: SIGTERM from an orchestrator, SIGINT from a terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT']);

/**
 * Waits for SIGTERM or SIGINT, then drains `server` (in-flight requests finish, new ones are
 * refused) and closes its stores. Resolves with the process exit code: 0 after a clean stop, 1
 * when closing failed. A second signal while draining is logged and ignored: the drain is already
 * bounded by RAMPART_SHUTDOWN_TIMEOUT, and dying mid-commit is what this exists to prevent.
 */
export function closeOnSignal(server: RunningServer, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): Promise<number> {
  const { logger } = server.rampart;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'already draining in-flight requests');
        return;
      }
      stopping = true;
      logger.info({ signal }, 'draining in-flight requests');
      const done = (code: number): void => {
        for (const name of signals) process.off(name, stop);
        resolve(code);
      };
      server.close().then(
        () => {
          logger.info('stopped');
          done(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          done(1);
        },
      );
    };
    for (const name of signals) process.on(name, stop);
  });
}
