/**
 * `rampart client create|list|revoke` as an operator runs it (a real process on the same store as
 * a server, every backend): the client is bounded by its owner's permissions, the secret is printed
 * once and works at the token endpoint, the list never shows it, a revocation refuses the client.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { orgWithOwner, userWithRole } from '../helpers/orgs.js';
import { cleanEnv } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function rampart(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
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

for (const backend of await backends()) {
  describe(`rampart client on ${backend.name}`, () => {
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

    it('creates a client bounded by its owner, lists it without the secret, revokes it', async () => {
      const env = { ...store.env, ...ADMIN_ENV, RAMPART_LOG_LEVEL: 'warn' };
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');

      const refused = await rampart(
        ['client', 'create', '--org', org.slug, '--owner', viewer.email, '--name', 'x', '--scopes', 'members.read', '--json'],
        env,
      );
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain('forbidden');
      expect(refused.stdout).toBe('');

      const created = await rampart(
        ['client', 'create', '--org', org.slug, '--owner', owner.email, '--name', 'etl', '--scopes', 'members.read,org.read', '--json'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const client = JSON.parse(created.stdout.trim()) as {
        client_id: string;
        client_secret: string;
        scopes: string[];
        created_by: string;
      };
      expect(client).toMatchObject({ scopes: ['members.read', 'org.read'], created_by: owner.id });
      const token = () =>
        server.app.inject({
          method: 'POST',
          url: '/api/v1/oauth/token',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          },
          payload: 'grant_type=client_credentials',
        });
      expect((await token()).statusCode).toBe(200);

      const listed = await rampart(['client', 'list', '--org', org.id, '--json'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).not.toContain(client.client_secret);
      expect((JSON.parse(listed.stdout.trim()) as { clients: { client_id: string }[] }).clients.map((c) => c.client_id)).toEqual([
        client.client_id,
      ]);

      const revoked = await rampart(['client', 'revoke', client.client_id, '--org', org.slug, '--json'], env);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await token()).statusCode).toBe(401);
      const again = await rampart(['client', 'revoke', client.client_id, '--org', org.slug], env);
      expect(again.code).toBe(1);
    }, 180_000); // five processes, each compiling the CLI
  });
}
