/**
 * Running the standalone server: start (stores, migrations, listeners) and stop (drain in-flight
 * requests, then close the stores, so that an acknowledged write is never lost).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ensureMasterKeyFile } from './adapters/fs/master-key-file.js';
import { prepareDataDirectory } from './adapters/fs/data-directory.js';
import type { RampartConfig } from './config.js';
import { buildRedirectServer, buildServer } from './http/server.js';
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

/** Creates the data directory (0700) and the master key file when no RAMPART_MASTER_KEY is given. */
export function initialiseDataDirectory(config: RampartConfig): { masterKeyCreated: boolean } {
  prepareDataDirectory(config.dataDir);
  const masterKeyCreated = config.masterKey === undefined ? ensureMasterKeyFile(config.dataDir) : false;
  return { masterKeyCreated };
}

export async function startServer(config: RampartConfig, options: StartOptions = {}): Promise<RunningServer> {
  initialiseDataDirectory(config);
  const rampart = await createRampart(config, options);
  let app: FastifyInstance;
  try {
    app = await buildServer(rampart, options.routes);
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await rampart.close();
    throw error;
  }
  let redirect: Server | undefined;
  let redirectUrl: string | undefined;
  if (config.httpRedirectPort !== undefined) {
    const server = buildRedirectServer(config.publicUrl);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpRedirectPort, config.host, () => resolve());
    });
    redirect = server;
    redirectUrl = listenUrl('http', server.address() as AddressInfo);
  }
  const scheme = config.tlsCert === undefined ? 'http' : 'https';
  const url = listenUrl(scheme, app.server.address() as AddressInfo);
  let closing: Promise<void> | undefined;
  return {
    app,
    rampart,
    url,
    redirectUrl,
    close() {
      closing ??= (async () => {
        const force = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeout * 1000);
        force.unref();
        try {
          if (redirect !== undefined) redirect.close();
          await app.close();
        } finally {
          clearTimeout(force);
          await rampart.close();
        }
      })();
      return closing;
    },
  };
}
