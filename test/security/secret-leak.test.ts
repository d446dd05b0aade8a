/**
 * Secret values and keys in a dump. After writes, new versions, reveals, a
 * delete, an integrity failure and a KEK rotation, the dump of the database (SQLite: the file and
 * its WAL byte for byte; PostgreSQL: `SELECT *` of every table) and the server's logs hold no
 * secret value, no data key and no KEK or master key in clear — in any of the encodings Rampart
 * uses (raw bytes, hex, base64, base64url).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/kernel/adapters/sql/sql-database.js';
import { dataKeyAad } from '../../src/secrets/crypto/envelope.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const MASTER_KEY = Buffer.from('0123456789abcdef0123456789abcdef');

async function dump(server: TestServer, store: BackendInstance): Promise<string> {
  const { db, dialect } = server.stored;
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows.map(
          (r) => r.name,
        );
  expect(tables).toEqual(expect.arrayContaining(['secrets', 'secret_versions', 'secret_data_keys', 'secret_keks']));
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify((await sql`select * from ${sql.table(table)}`.execute(db)).rows));
  if (dialect === 'sqlite') {
    for (const file of [SQLITE_FILE, `${SQLITE_FILE}-wal`]) {
      const path = join(store.dataDir, file);
      if (existsSync(path)) parts.push(readFileSync(path).toString('latin1'));
    }
  }
  return parts.join('\n');
}

function encodings(bytes: Buffer): string[] {
  return [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('latin1')];
}

for (const backend of await backends()) {
  describe(`secret values and keys at rest and in logs on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, {
        env: { ...ADMIN_ENV, RAMPART_MASTER_KEY: MASTER_KEY.toString('base64'), RAMPART_LOG_LEVEL: 'debug' },
      });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('a dump and the logs hold no secret value, data key or KEK in clear', async () => {
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const values = ['leak-check-alpha-7f3a9c', 'leak-check-beta-2b8e41', 'leak-check-gamma-c0ffee', 'leak-check-deleted-91d2'];
      const put = (name: string, value: string) =>
        as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.slug}/secrets/${name}`, { value });
      await put('alpha', values[0]!);
      await put('alpha', values[1]!);
      await put('gamma', values[2]!);
      await put('gone', values[3]!);
      expect((await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/secrets/alpha/reveal`, { version: 1 })).json()).toEqual({
        value: values[0],
        version: 1,
      });
      await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.slug}/secrets/gone`);
      await server.rampart.secrets.rotation.rotate();
      // An integrity failure logs an alert: without the value.
      const db = server.stored.db;
      const row = await db.selectFrom('secret_versions').selectAll().where('name', '=', 'gamma').executeTakeFirstOrThrow();
      await db
        .updateTable('secret_versions')
        .set({ ciphertext: row.ciphertext.slice(0, -4) + 'AAAA' })
        .where('name', '=', 'gamma')
        .execute();
      expect((await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/secrets/gamma/reveal`, {})).statusCode).toBe(409);
      // On the real audit log, the failure is recorded and raises a `security.alert` entry.
      // Pending first: an entry the integrator moves in between is then found in audit_entries.
      const pending = await db.selectFrom('audit_pending').select('action').execute();
      const integrated = await db.selectFrom('audit_entries').select('action').execute();
      const actions = [...pending, ...integrated].map((entry) => entry.action);
      expect(actions).toContain('secret.integrity_failed');
      expect(actions).toContain('security.alert');

      // The clear data keys and KEKs, recomputed here from the master key.
      const keys: Buffer[] = [MASTER_KEY];
      for (const kek of await db.selectFrom('secret_keks').select('id').execute()) {
        keys.push(Buffer.from(hkdfSync('sha256', MASTER_KEY, Buffer.alloc(0), `rampart/v1/secret-kek/${kek.id}`, 32)));
      }
      const dataKeys = await db.selectFrom('secret_data_keys').selectAll().execute();
      expect(dataKeys.length).toBeGreaterThan(0);
      for (const key of dataKeys)
        keys.push((await server.rampart.secrets.kek.unwrap(key.kek_id, key.wrapped, dataKeyAad(key.org_id, key.id))).reveal());

      const text = await dump(server, store);
      const logs = server.logs.text;
      expect(logs).toContain('secret_integrity_failed');
      for (const value of values) {
        expect(text.includes(value), `${value} in the dump`).toBe(false);
        expect(logs.includes(value), `${value} in the logs`).toBe(false);
      }
      for (const key of keys) {
        for (const encoded of encodings(key)) {
          expect(text.includes(encoded), 'a key in clear in the dump').toBe(false);
          expect(logs.includes(encoded), 'a key in clear in the logs').toBe(false);
        }
      }
    });
  });
}
