/**
 * Audit log fixtures: a migrated store on a backend, SqlAuditLog instances over their own
 * database handles (as separate instances would have), and events to record.
 */
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { SqlAuditLedger } from '../../src/audit/adapters/sql-audit-ledger.js';
import { SqlAuditLog, type SqlAuditLogOptions } from '../../src/audit/adapters/sql-audit-log.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import type { AuditAction } from '../../src/kernel/domain/audit-entry.js';
import { secret } from '../../src/kernel/domain/secret.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import type { Backend, BackendInstance } from './backends.js';
import { FakeClock } from './fake-clock.js';

export const TEST_KEK = secret(Buffer.alloc(32, 7));
export const TEST_ORIGIN = 'audit.test/rampart/audit';

/**
 * An action that no capability declares, as an older version or another deployment may have
 * recorded: the log stores any action, and tests of the log itself record such ones. The one
 * place a test or the code bypasses the `AuditAction` type (kernel/domain/audit-entry.ts).
 */
export function undeclaredAction(action: string): AuditAction {
  return action as AuditAction;
}

export function auditEvent(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    org: 'system',
    actor: { type: 'user', id: `usr_${n}` },
    action: 'user.update',
    resource: `usr_${n}`,
    result: n % 2 === 0 ? 'success' : 'failure',
    sourceIp: '192.0.2.1',
    requestId: `req_${n}`,
    details: { n, fields: ['name'] },
    ...extra,
  };
}

export interface AuditStore {
  readonly instance: BackendInstance;
  readonly clock: FakeClock;
  /** A new handle on the store (a new connection pool, or a new SQLite handle). */
  open(): SqlDatabase;
  /** A log over a new handle; closed (with its handle) by `cleanup`. */
  log(options?: Partial<SqlAuditLogOptions>): { log: SqlAuditLog; database: SqlDatabase };
  ledger(database?: SqlDatabase): Promise<SqlAuditLedger>;
  /** The first handle, migrated, for direct reads and tampering. */
  readonly db: SqlDatabase;
  cleanup(): Promise<void>;
}

export async function auditStore(backend: Backend): Promise<AuditStore> {
  const instance = await backend.create();
  prepareDataDirectory(instance.dataDir);
  const clock = new FakeClock();
  const url = instance.databaseUrl === undefined ? undefined : secret(instance.databaseUrl);
  const handles: SqlDatabase[] = [];
  const logs: SqlAuditLog[] = [];
  const open = (): SqlDatabase => {
    const database = openDatabase({ url, dataDir: instance.dataDir });
    handles.push(database);
    return database;
  };
  const db = open();
  await migrateToLatest(db);
  return {
    instance,
    clock,
    open,
    db,
    log(options = {}) {
      const database = open();
      const log = new SqlAuditLog(database, { clock, integratePollMs: 60_000, ...options });
      logs.push(log);
      return { log, database };
    },
    ledger: (database = db) => SqlAuditLedger.open(database, { kek: TEST_KEK, origin: TEST_ORIGIN, clock }),
    async cleanup() {
      for (const log of logs) await log.close().catch(() => undefined);
      for (const handle of handles) await handle.close().catch(() => undefined);
      await instance.cleanup();
    },
  };
}
