/**
 * Credentials in a database dump. The exploit: an attacker gets a copy of the database (a backup,
 * a read-only SQL injection, a stolen disk) and looks for anything usable — a password, a refresh
 * token, an access token, a private signing key. After logins, refreshes and a logout, the dump
 * (SQLite: the file and its WAL byte for byte; PostgreSQL: `SELECT *` of every table) holds none of
 * them in clear: passwords as argon2id hashes, refresh tokens as SHA-256, private keys sealed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/kernel/adapters/sql/sql-database.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cookieLogin } from '../helpers/browser.js';
import { ADMIN_ENV, ADMIN_PASSWORD, login, refreshRequest, type Grant } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

async function dump(server: TestServer, store: BackendInstance): Promise<string> {
  const { db, dialect } = server.stored;
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows.map(
          (r) => r.name,
        );
  expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'refresh_tokens', 'signing_keys']));
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await sql`select * from ${sql.table(table)}`.execute(db);
    parts.push(JSON.stringify(rows.rows));
  }
  if (dialect === 'sqlite') {
    for (const file of [SQLITE_FILE, `${SQLITE_FILE}-wal`]) {
      const path = join(store.dataDir, file);
      if (existsSync(path)) parts.push(readFileSync(path).toString('latin1'));
    }
  }
  return parts.join('\n');
}

for (const backend of await backends()) {
  describe(`secrets at rest on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('a dump holds no password, refresh token, access token or private key in clear', async () => {
      const first = await login(server.app);
      const second = (await refreshRequest(server.app, first.refresh_token)).json<Grant>();
      const third = await login(server.app);
      await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${third.access_token}` } });
      const browser = await cookieLogin(server.app);

      const text = await dump(server, store);
      for (const [what, value] of [
        ['password', ADMIN_PASSWORD],
        ['refresh token', first.refresh_token],
        ['rotated refresh token', second.refresh_token],
        ['refresh token of a revoked session', third.refresh_token],
        ['access token', first.access_token],
        ['access token payload', second.access_token.split('.')[1]!],
        ['session cookie secret', browser.secret],
        ['CSRF token', browser.csrf],
      ] as const) {
        expect(text.includes(value), `${what} found in the dump`).toBe(false);
        expect(text.includes(value.slice(3, 30)), `part of the ${what} found in the dump`).toBe(false);
      }
      // A private JWK member would be `"d":"…"`; sealed keys are `v1.…` only.
      expect(text).not.toMatch(/\\?"d\\?":\\?"/);
      // And what is there is the hashed form.
      expect(text).toMatch(/\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
}
