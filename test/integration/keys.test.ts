/**
 * Signing-key rotation without a failed request, on every backend: `rampart keys rotate` (the
 * real CLI process, on the same store) adds a key; a running instance picks it up at its reload,
 * publishes both keys, signs with the new one, and still accepts tokens of the old one. Private
 * keys are stored encrypted (AES-256-GCM under the master key, the kid as AAD).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlSigningKeyStore } from '../../src/identity/tokens/adapters/sql-signing-key-store.js';
import { deriveKey } from '../../src/kernel/crypto/derive-key.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me } from '../helpers/identity.js';
import { cleanEnv } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function rotateWithCli(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'keys', 'rotate', '--json'], {
      cwd: ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const kidOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

for (const backend of await backends()) {
  describe(`signing-key rotation on ${backend.name}`, () => {
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

    it('a token signed before `rampart keys rotate` still verifies after; new tokens use the new key; the JWKS lists both', async () => {
      const before = await login(server.app);
      const oldKid = kidOf(before.access_token);
      const run = await rotateWithCli({ ...store.env, ...ADMIN_ENV });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim()) as { kid: string; published: string[] };
      expect(result.kid).not.toBe(oldKid);
      expect(result.published.sort()).toEqual([oldKid, result.kid].sort());

      // Before the instance reloads, and after: the old token keeps working.
      expect((await me(server.app, before.access_token)).statusCode).toBe(200);
      await server.rampart.identity.tokens.reload();
      expect((await me(server.app, before.access_token)).statusCode).toBe(200);
      const jwks = (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>();
      expect(jwks.keys.map((key) => key.kid)).toEqual([result.kid, oldKid]);
      const after = await login(server.app);
      expect(kidOf(after.access_token)).toBe(result.kid);
      expect((await me(server.app, after.access_token)).statusCode).toBe(200);
    });

    it('stores private keys encrypted under the master key, bound to their kid', async () => {
      const rows = await server.stored.db.selectFrom('signing_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.private_jwk).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(row.private_jwk).not.toContain('"d"');
      // Copying the ciphertext under another kid (a row swap) fails its integrity check.
      await server.stored.db
        .insertInto('signing_keys')
        .values({ ...row, kid: 'AAAAAAAAAAAAAAAAAAAAAA' })
        .execute();
      const wrongKey = new SqlSigningKeyStore(server.stored.db, deriveKey(secret(Buffer.alloc(32, 7)), 'signing-key-wrap'));
      await expect(wrongKey.list()).rejects.toMatchObject({ code: 'secret_integrity_failed' });
      await expect(server.rampart.identity.tokens.reload()).rejects.toMatchObject({ code: 'secret_integrity_failed' });
    });
  });
}
