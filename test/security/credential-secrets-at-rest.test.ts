/**
 * API keys and client secrets in a database dump. The exploit: an attacker with a copy of the
 * database (a backup, a read-only SQL injection, a stolen disk) looks for a usable API key or
 * service-client secret. After keys are created, used, rotated and revoked and clients registered
 * and used, the dump (SQLite: the file and its WAL byte for byte; PostgreSQL: `SELECT *` of every
 * table) holds none of them, nor any of their secret parts — only SHA-256 hashes and prefixes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/kernel/adapters/sql/sql-database.js';
import { hashApiKey } from '../../src/credentials/crypto/api-key-secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

async function dump(server: TestServer, store: BackendInstance): Promise<string> {
  const { db, dialect } = server.stored;
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows.map(
          (r) => r.name,
        );
  expect(tables).toEqual(expect.arrayContaining(['api_keys', 'service_clients']));
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
  describe(`API keys and client secrets at rest on ${backend.name}`, () => {
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

    it('a dump holds no API key and no client secret in clear, only their SHA-256', async () => {
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const created = (
        await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'k', scopes: ['org.read'], org: org.id })
      ).json<{
        id: string;
        key: string;
      }>();
      await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: { authorization: `Bearer ${created.key}` } });
      const rotated = (await as(server.app, owner.grant, 'POST', `/api/v1/api-keys/${created.id}/rotate`, { grace_seconds: 60 })).json<{
        id: string;
        key: string;
      }>();
      await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${rotated.id}`);
      const client = (
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'c',
          scopes: ['org.read'],
          auth_method: 'client_secret_basic',
        })
      ).json<{ client_id: string; client_secret: string }>();
      const token = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      });
      expect(token.statusCode, token.body).toBe(200);
      const accessToken = token.json<{ access_token: string }>().access_token;

      const text = await dump(server, store);
      for (const [what, value] of [
        ['API key', created.key],
        ['rotated API key', rotated.key],
        ['client secret', client.client_secret],
        ['client access token', accessToken],
      ] as const) {
        expect(text.includes(value), `${what} found in the dump`).toBe(false);
        expect(text.includes(value.slice(9, 30)), `part of the ${what} found in the dump`).toBe(false);
      }
      expect(text).toContain(hashApiKey(created.key));
    });
  });
}
