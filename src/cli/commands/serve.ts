/**
 * `rampart serve`: files are created private (umask 077), the server starts, and SIGTERM or
 * SIGINT drain in-flight requests before the stores close ({@link closeOnSignal}).
 */
import type { RampartConfig } from '../../kernel/config.js';
import { closeOnSignal, startServer } from '../../serve.js';
import type { Output } from '../../kernel/cli/output.js';

/** Runs the server; resolves with the exit code once a signal has stopped it. */
export async function runServe(config: RampartConfig, out: Output): Promise<number> {
  process.umask(0o077);
  const server = await startServer(config);
  const { logger } = server.rampart;
  // The one-time notice goes to stderr through the CLI's output, never through the logger.
  const notice = server.rampart.takeBootstrapNotice();
  if (notice?.generatedPassword !== undefined) {
    out.note(
      `rampart: created the platform admin ${notice.email} with the password ${notice.generatedPassword.reveal()}\n` +
        'rampart: it is shown only this once; store it now and change it after signing in',
    );
  }
  logger.info({ url: server.url, redirect: server.redirectUrl ?? null, database: server.rampart.database.dialect }, 'rampart listening');
  if (out.json) out.result({ url: server.url, redirect_url: server.redirectUrl ?? null }, '');
  return closeOnSignal(server);
}
