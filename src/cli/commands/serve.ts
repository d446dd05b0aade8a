/**
 * `rampart serve`: files are created private (umask 077), the server starts, and SIGTERM or
 * SIGINT drain in-flight requests before the stores close ({@link closeOnSignal}).
 *
 * On an embedded (SQLite) data directory the server first takes the directory's lock — a second
 * `serve` on it exits 2 naming this one's pid (src/kernel/adapters/fs/data-dir-lock.ts) — and
 * listens on the local admin socket through which `rampart admin recover` reaches it
 * (src/kernel/adapters/fs/admin-socket.ts); both go when it stops.
 *
 * The bootstrap admin's generated password is printed once on stderr, with the 0600 file it was
 * also written to; on later starts, while that password is unchanged, only where the file is.
 */
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { acquireDataDirLock, type DataDirLock } from '../../kernel/adapters/fs/data-dir-lock.js';
import { listenAdminSocket, type AdminSocket } from '../../kernel/adapters/fs/admin-socket.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { prettyDestination } from '../../kernel/adapters/log/pretty-destination.js';
import type { RampartConfig } from '../../kernel/config.js';
import { closeOnSignal, startServer, type RunningServer } from '../../serve.js';
import { identityAdminOperations, readBootstrapNotice, bootstrapNoticePath } from '../../identity/index.js';
import type { Output } from '../../kernel/cli/output.js';

/** The one-time notice, or where the unchanged generated password still is. */
function printBootstrap(server: RunningServer, out: Output): void {
  const { config } = server.rampart;
  // The one-time notice goes to stderr through the CLI's output, never through the logger.
  const notice = server.rampart.takeBootstrapNotice();
  if (notice?.generatedPassword !== undefined) {
    out.note(
      `rampart: created the platform admin ${notice.email} with the password ${notice.generatedPassword.reveal()}\n` +
        'rampart: it is shown only this once; store it now and change it after signing in\n' +
        `rampart: until then it is also in ${notice.file ?? bootstrapNoticePath(config.dataDir)} (0600), deleted when the password is changed`,
    );
    return;
  }
  const waiting = readBootstrapNotice(config.dataDir);
  if (waiting !== undefined) {
    out.note(
      `rampart: the generated password of the platform admin ${waiting.email} is unchanged: it is in ${bootstrapNoticePath(config.dataDir)}; ` +
        'sign in and change it (lost: rampart admin recover)',
    );
  }
}

/** The admin socket of an embedded data directory; a start goes on without it (logged) when it cannot listen. */
async function adminSocketOf(server: RunningServer): Promise<AdminSocket | undefined> {
  const { config, logger, identity } = server.rampart;
  try {
    return await listenAdminSocket(config.dataDir, identityAdminOperations(identity), (error) =>
      logger.error({ err: error }, 'admin socket request failed'),
    );
  } catch (error) {
    logger.warn({ err: error }, 'the admin socket could not listen: `rampart admin recover` needs the server stopped');
    return undefined;
  }
}

/** Runs the server; resolves with the exit code once a signal has stopped it. */
export async function runServe(config: RampartConfig, out: Output): Promise<number> {
  process.umask(0o077);
  let lock: DataDirLock | undefined;
  if (config.databaseUrl === undefined) {
    prepareDataDirectory(config.dataDir);
    lock = acquireDataDirLock(config.dataDir, 'serve');
  }
  let socket: AdminSocket | undefined;
  try {
    const logger = config.dev ? createLogger(config.logLevel, prettyDestination(process.stdout)) : undefined;
    const server = await startServer(config, logger === undefined ? {} : { logger });
    printBootstrap(server, out);
    if (lock !== undefined) socket = await adminSocketOf(server);
    const { rampart } = server;
    if (config.dev)
      rampart.logger.warn('RAMPART_DEV is on: development mode (no MFA requirement for admins, readable logs); never in production');
    rampart.logger.info(
      { url: server.url, public_url: rampart.config.publicUrl, redirect: server.redirectUrl ?? null, database: rampart.database.dialect },
      'rampart listening',
    );
    if (out.json) out.result({ url: server.url, redirect_url: server.redirectUrl ?? null }, '');
    return await closeOnSignal(server);
  } finally {
    await socket?.close();
    lock?.release();
  }
}
