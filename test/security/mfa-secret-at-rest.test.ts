/**
 * The TOTP secret in a database dump. The exploit: an attacker with a copy of the database (a
 * backup, a read-only SQL injection, a stolen disk) reads each user's TOTP secret and so owns
 * their second factor forever. The secret is stored only sealed with AES-256-GCM under a key
 * derived from the master key (which is not in the database), bound to its user; recovery codes
 * and mfa_tokens only as SHA-256. The dump (SQLite: the file and WAL byte for byte; PostgreSQL:
 * every table) holds none of them, and a sealed secret moved onto another user's row fails to open.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/kernel/adapters/sql/sql-database.js';
import { masterKeyOf } from '../../src/kernel/master-key.js';
import { deriveKey } from '../../src/kernel/crypto/derive-key.js';
import { openTotpSecret } from '../../src/identity/mfa/crypto/totp-secret-seal.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest } from '../helpers/identity.js';
import { enrol, mfaTokenOf, verifyMfa } from '../helpers/mfa.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

async function dump(server: TestServer, store: BackendInstance): Promise<string> {
  const { db, dialect } = server.stored;
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows.map(
          (r) => r.name,
        );
  expect(tables).toEqual(expect.arrayContaining(['mfa_totp', 'recovery_codes', 'mfa_challenges']));
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

for (const backend of await backends()) {
  describe(`MFA secrets at rest on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      server = await testServer(store, { env: ADMIN_ENV, clock });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('a dump holds no TOTP secret, recovery code or mfa_token in clear', async () => {
      const enrolled = await enrol(server.app, (await login(server.app)).access_token, clock);
      const token = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expect((await verifyMfa(server.app, token, enrolled.recoveryCodes[0]!)).statusCode).toBe(200);
      const pending = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));

      const text = await dump(server, store);
      const values: [string, string][] = [
        ['TOTP secret', enrolled.secret],
        ['TOTP secret (lower case)', enrolled.secret.toLowerCase()],
        ['otpauth URL', enrolled.otpauthUrl],
        ['used mfa_token', token],
        ['pending mfa_token', pending],
        ...enrolled.recoveryCodes.map((code): [string, string] => ['recovery code', code]),
        ...enrolled.recoveryCodes.map((code): [string, string] => ['recovery code (bare)', code.replaceAll('-', '')]),
      ];
      for (const [what, value] of values) expect(text.includes(value), `${what} found in the dump`).toBe(false);
      expect(text.includes(enrolled.secret.slice(0, 16)), 'half of the TOTP secret found in the dump').toBe(false);
      const row = await server.stored.db.selectFrom('mfa_totp').select('secret_sealed').executeTakeFirstOrThrow();
      expect(row.secret_sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*$/);
    });

    it('a sealed secret opens only under the master key and for its own user', async () => {
      const grant = await login(server.app);
      const enrolled = await enrol(server.app, grant.access_token, clock);
      const row = await server.stored.db.selectFrom('mfa_totp').select('secret_sealed').executeTakeFirstOrThrow();
      const key = deriveKey(masterKeyOf(server.rampart.config), 'totp-secret-seal');
      expect(openTotpSecret(key, grant.user.id, row.secret_sealed).reveal()).toBe(enrolled.secret);
      // Copied onto another user's row (an attacker who can write), it fails its integrity check.
      expect(() => openTotpSecret(key, 'usr_attacker', row.secret_sealed)).toThrow(/secret_integrity_failed/);
      // Under a key derived for another purpose it does not open either.
      expect(() =>
        openTotpSecret(deriveKey(masterKeyOf(server.rampart.config), 'signing-key-wrap'), grant.user.id, row.secret_sealed),
      ).toThrow(/secret_integrity_failed/);
    });
  });
}
