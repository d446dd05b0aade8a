import type { RampartConfig } from '../../config.js';
import { startServer } from '../../serve.js';
import type { Output } from '../output.js';

/**
 * `rampart serve`: files are created private (umask 077), the server starts, and SIGTERM or
 * SIGINT drain in-flight requests before the stores close. Never resolves until then.
 */
export async function runServe(config: RampartConfig, out: Output): Promise<number> {
  process.umask(0o077);
  const server = await startServer(config);
  const { logger } = server.rampart;
  logger.info({ url: server.url, redirect: server.redirectUrl ?? null, database: server.rampart.database.dialect }, 'rampart listening');
  if (out.json) out.result({ url: server.url, redirect_url: server.redirectUrl ?? null }, '');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'draining in-flight requests');
      server.close().then(
        () => {
          logger.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
