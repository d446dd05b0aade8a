/**
 * `rampart user import` as an operator runs it (a real process on a temp data directory, every
 * backend): bcrypt and argon2id hashes are kept as given, bad lines are reported with their number
 * and never quote the hash, a taken email is skipped; then the imported bcrypt user logs in
 * through the server and the stored hash has become argon2id. Each imported account is audited
 * (`user.create`) before it is stored.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { hash as argon2Hash } from '@node-rs/argon2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { login } from '../helpers/identity.js';
import { cleanEnv } from '../helpers/processes.js';
import { testServer } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const PASSWORD = 'an imported passphrase, 2019 vintage';

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
  describe(`rampart user import on ${backend.name}`, () => {
    let store: BackendInstance;

    beforeEach(async () => {
      store = await backend.create();
    });

    afterEach(async () => {
      await store?.cleanup();
    });

    it('imports bcrypt and argon2id users, reports bad lines; the bcrypt user logs in and is upgraded', async () => {
      const bcrypt = await bcryptHash(PASSWORD, 10);
      const argon = await argon2Hash(PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
      const file = join(store.dataDir, '..', 'users.jsonl');
      writeFileSync(
        file,
        [
          JSON.stringify({ email: 'Old@Example.test', name: 'Old', password_hash: bcrypt }),
          JSON.stringify({ email: 'argon@example.test', password_hash: argon }),
          JSON.stringify({ email: 'nohash@example.test' }),
          JSON.stringify({ email: 'md5@example.test', password_hash: '5f4dcc3b5aa765d61d8327deb882cf99' }),
          'not json',
          '',
          JSON.stringify({ email: 'old@example.test', password_hash: bcrypt }),
          JSON.stringify({ email: 'x@example.test', role: 'admin' }),
        ].join('\n') + '\n',
      );
      const run = await rampart(['user', 'import', file, '--json'], store.env);
      expect(run.code, run.stderr).toBe(1);
      const report = JSON.parse(run.stdout.trim()) as unknown;
      expect(report).toEqual({
        imported: 3,
        skipped: 1,
        failed: [
          { line: 4, reason: expect.stringMatching(/^password_hash:/) },
          { line: 5, reason: 'not valid JSON' },
          { line: 8, reason: expect.stringMatching(/unknown field/) },
        ],
      });
      expect(run.stdout).not.toContain('5f4dcc3b');
      expect(run.stderr.length).toBeGreaterThan(0);

      const server = await testServer(store, { env: { RAMPART_PUBLIC_URL: 'https://rampart.example.test' }, audit: new MemoryAuditLog() });
      try {
        // Each imported account has its `user.create` entry (integrated, or still pending on PostgreSQL).
        const created = async (table: 'audit_entries' | 'audit_pending'): Promise<number> =>
          (await server.stored.db.selectFrom(table).select('action').where('action', '=', 'user.create').execute()).length;
        expect((await created('audit_entries')) + (await created('audit_pending'))).toBe(3);
        const users = server.rampart.identity.users;
        expect((await users.findByEmail('old@example.test'))?.passwordHash).toBe(bcrypt);
        await login(server.app, 'old@example.test', PASSWORD);
        expect((await users.findByEmail('old@example.test'))?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        await login(server.app, 'argon@example.test', PASSWORD);
        expect((await users.findByEmail('nohash@example.test'))?.passwordHash).toBeNull();
      } finally {
        await server.close();
      }
    });
  });
}
