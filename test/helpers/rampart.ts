/**
 * A Rampart instance for a test: the real configuration loader, the real stores, the real
 * server built in-process (requests through `inject` or a real socket).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { loadConfig, type RampartConfig } from '../../src/config.js';
import { buildServer, type RampartPluginOptions } from '../../src/http/server.js';
import { createRampart, type Rampart, type RampartOptions } from '../../src/rampart.js';
import type { BackendInstance } from './backends.js';

/** Everything the server logged, one parsed JSON object per line. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(line);
    done();
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

/**
 * The bootstrap admin most tests log in as owns the `system` org, so RAMPART_MFA_REQUIRED_FOR_ADMINS
 * (default true) would answer every admin route with `mfa_enrollment_required`. Tests run with it
 * off unless they set it: test/security/mfa-enforcement.test.ts sets it to true explicitly.
 * RAMPART_LOGIN_MAX_WAIT_MS is off (0): suites log in in parallel on a loaded machine, where a
 * hash may take far longer than in production; test/unit/crypto/fair-hash-queue-bounds.test.ts and
 * test/integration/login-max-wait.test.ts prove the bound with injected durations.
 */
export function testConfig(backend: BackendInstance | { env: Record<string, string> }, env: Record<string, string> = {}): RampartConfig {
  return loadConfig({
    env: {
      RAMPART_LOG_LEVEL: 'info',
      RAMPART_PORT: '0',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_LOGIN_MAX_WAIT_MS: '0',
      // The retention purge deletes ended rows on its own schedule: a test that moves a fake clock
      // past a retention period would see them go. Its tests run it on demand, or turn it back on.
      RAMPART_RETENTION_PURGE_INTERVAL: 'off',
      ...backend.env,
      ...env,
    },
  });
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly rampart: Rampart;
  readonly logs: LogCapture;
  /**
   * The database as its administrator sees it, for assertions on what is stored: on PostgreSQL a
   * connection of the schema owner (the test superuser), past row-level security — the server's
   * own connection (`rampart.database`) sees no tenant row outside a scope; on SQLite the server's.
   */
  readonly stored: SqlDatabase;
  close(): Promise<void>;
}

export interface TestServerOptions extends RampartOptions {
  readonly env?: Record<string, string>;
  readonly routes?: RampartPluginOptions['routes'];
  /**
   * Keep the bootstrap admin's must-change-password mark (V6.4.1). By default the helper lifts it,
   * as if the admin had changed the password at first login, so suites can act as the admin with
   * ADMIN_PASSWORD; test/security/asvs-session-gaps.test.ts keeps it to prove the gate.
   */
  readonly keepPasswordChange?: boolean;
}

/** Builds (without listening) a standalone server on `backend`. Close it in `afterEach`/`afterAll`. */
export async function testServer(
  backend: BackendInstance | { env: Record<string, string> },
  options: TestServerOptions = {},
): Promise<TestServer> {
  const config = testConfig(backend, options.env);
  const logs = new LogCapture();
  const rampart = await createRampart(config, { logger: createLogger(config.logLevel, logs), ...options });
  const app = await buildServer(rampart, options.routes);
  await app.ready();
  const adminUrl = config.databaseMigrationUrl ?? config.databaseUrl;
  const stored = adminUrl === undefined ? rampart.database : openDatabase({ url: adminUrl, dataDir: config.dataDir });
  if (options.keepPasswordChange !== true) await stored.db.updateTable('users').set({ password_change_required_at: null }).execute();
  return {
    app,
    rampart,
    logs,
    stored,
    async close() {
      await app.close();
      await rampart.close();
      if (stored !== rampart.database) await stored.close();
    },
  };
}
