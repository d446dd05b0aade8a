/**
 * The server's PostgreSQL role, as `rampart doctor` and the start judge it: a role that owns no
 * table and cannot bypass row-level security passes; a superuser (which bypasses every policy)
 * fails, loudly at start too; a role owning the tables is warned about (it could switch RLS off).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rlsWeakness, workingRolePosture } from '../../src/kernel/adapters/sql/rls-policies.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { postgresBackend, sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testServer } from '../helpers/rampart.js';
import { postgresAvailable } from '../helpers/services.js';

describe.runIf(await postgresAvailable())('the database role on postgres', () => {
  let store: BackendInstance;
  const opened: SqlDatabase[] = [];
  const open = (url: string | undefined, migrationUrl?: string) => {
    const database = openDatabase({
      url: url === undefined ? undefined : new Secret(url),
      migrationUrl: migrationUrl === undefined ? undefined : new Secret(migrationUrl),
      dataDir: store.dataDir,
    });
    opened.push(database);
    return database;
  };

  beforeAll(async () => {
    store = await postgresBackend.create();
    prepareDataDirectory(store.dataDir);
    await migrateToLatest(open(store.workingDatabaseUrl, store.databaseUrl));
  });

  afterAll(async () => {
    for (const database of opened) await database.close();
    await store?.cleanup();
  });

  it('the working role (owns nothing, no BYPASSRLS) has no weakness', async () => {
    const posture = await workingRolePosture(open(store.workingDatabaseUrl).db);
    expect(posture).toEqual({ role: 'rampart_app_test', superuser: false, bypassRls: false, ownedTables: 0 });
    expect(rlsWeakness(posture)).toBeUndefined();
  });

  it('a superuser fails: it bypasses every policy', async () => {
    const posture = await workingRolePosture(open(store.databaseUrl).db);
    expect(posture).toMatchObject({ superuser: true });
    expect(posture?.ownedTables).toBeGreaterThan(0);
    expect(rlsWeakness(posture)).toEqual({ level: 'fail', reason: expect.stringContaining('bypasses row-level security (superuser)') });
  });

  it('a role that owns the tables is warned about; the reason names the fix, never a password', () => {
    const weakness = rlsWeakness({ role: 'rampart_owner', superuser: false, bypassRls: false, ownedTables: 14 });
    expect(weakness).toEqual({ level: 'warn', reason: expect.stringContaining('owns 14 table(s)') });
    expect(weakness?.reason).toContain('RAMPART_DATABASE_MIGRATION_URL');
  });

  it('a server started as the superuser says so in its log, without the URL', async () => {
    const server = await testServer({ env: { RAMPART_DATA_DIR: store.dataDir, RAMPART_DATABASE_URL: store.databaseUrl ?? '' } });
    try {
      const warning = server.logs.lines.find((line) => line.includes('"check":"database-role"'));
      expect(warning).toContain('bypasses row-level security');
      const url = new URL(store.databaseUrl ?? '');
      expect(server.logs.lines.join('\n')).not.toContain(`:${url.password}@`);
    } finally {
      await server.close();
    }
  });
});

describe('the database role on sqlite', () => {
  it('has no posture to judge: SQLite has no roles and no RLS', async () => {
    const store = await sqliteBackend.create();
    prepareDataDirectory(store.dataDir);
    const database = openDatabase({ url: undefined, dataDir: store.dataDir });
    try {
      expect(await workingRolePosture(database.db)).toBeUndefined();
      expect(rlsWeakness(undefined)).toBeUndefined();
    } finally {
      await database.close();
      await store.cleanup();
    }
  });
});
