/**
 * The secrets' commands as real processes, on every backend: `rampart secrets rotate-data-keys`
 * then `rampart secrets rewrap` move every version under a fresh data key and delete the retired
 * ones (every value still reveals); `rampart secrets min-version` refuses older versions; `rampart
 * doctor` reports the KEK source (master key from the environment: pass; a PKCS#11 token that
 * cannot be opened: fail) without printing the key or the PIN.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { SqlSecretBackend } from '../../src/secrets/adapters/sql-secret-backend.js';
import { MasterKeyKek } from '../../src/secrets/crypto/kek-master-key.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { mintTenantScope } from '../../src/kernel/domain/tenant-scope.js';
import { systemClock } from '../../src/kernel/ports/clock.js';
import { SecretService } from '../../src/secrets/services/secret-service.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cleanEnv } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MASTER_KEY = Buffer.alloc(32, 0x33);
const running = new Set<ChildProcess>();

function rampart(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

for (const backend of await backends()) {
  describe(`secrets commands on ${backend.name}`, () => {
    let store: BackendInstance;
    let database: SqlDatabase;
    let env: Record<string, string>;
    const scope = mintTenantScope({ id: 'org_cli', slug: 'cli' }, undefined);
    const service = () =>
      new SecretService({
        backend: new SqlSecretBackend(database.db, database.dialect),
        kek: new MasterKeyKek(secret(MASTER_KEY), 'environment'),
        audit: new MemoryAuditLog(),
        clock: systemClock,
        onAlert: () => undefined,
      });

    beforeEach(async () => {
      store = await backend.create();
      prepareDataDirectory(store.dataDir);
      env = { ...store.env, RAMPART_MASTER_KEY: MASTER_KEY.toString('base64'), RAMPART_LOG_LEVEL: 'warn' };
      database = openDatabase({ url: store.databaseUrl === undefined ? undefined : secret(store.databaseUrl), dataDir: store.dataDir });
      await migrateToLatest(database);
    });

    afterEach(async () => {
      for (const child of running) child.kill('SIGKILL');
      await database?.close();
      await store?.cleanup();
    });

    it('rotate-data-keys, rewrap and min-version', async () => {
      const writer = service();
      for (let i = 1; i <= 3; i += 1) await writer.put(scope, 'api-token', secret(`token-${i}`), undefined);
      const oldKey = (await database.db.selectFrom('secret_data_keys').select('id').executeTakeFirstOrThrow()).id;

      const rotated = await rampart(['secrets', 'rotate-data-keys', '--json'], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(JSON.parse(rotated.stdout)).toEqual({ rotated: 1 });
      const rewrapped = await rampart(['secrets', 'rewrap', '--json'], env);
      expect(rewrapped.code, rewrapped.stderr).toBe(0);
      expect(JSON.parse(rewrapped.stdout)).toEqual({ rewrapped: 3, failed: 0, data_keys_deleted: 1 });
      const keys = await database.db.selectFrom('secret_data_keys').selectAll().execute();
      expect(keys).toHaveLength(1);
      expect(keys[0]?.id).not.toBe(oldKey);
      expect(keys[0]?.state).toBe('active');
      const versions = await database.db.selectFrom('secret_versions').select('data_key_id').execute();
      expect(versions.map((v) => v.data_key_id)).toEqual([keys[0]?.id, keys[0]?.id, keys[0]?.id]);
      const reader = service();
      for (let i = 1; i <= 3; i += 1) expect((await reader.reveal(scope, 'api-token', i, undefined)).value.reveal()).toBe(`token-${i}`);

      const min = await rampart(['secrets', 'min-version', 'org_cli', 'api-token', '3', '--json'], env);
      expect(min.code, min.stderr).toBe(0);
      await expect(reader.reveal(scope, 'api-token', 2, undefined)).rejects.toMatchObject({ code: 'conflict' });
      expect((await reader.reveal(scope, 'api-token', 3, undefined)).value.reveal()).toBe('token-3');
      const tooHigh = await rampart(['secrets', 'min-version', 'org_cli', 'api-token', '9', '--json'], env);
      expect(tooHigh.code).not.toBe(0);
      // Four CLI processes, each compiling its entry from source: more than the default 30 s on a busy machine.
    }, 120_000);

    it('doctor reports the KEK source, never the key or the PIN', async () => {
      const pass = await rampart(['doctor', '--json'], env);
      const checks = (JSON.parse(pass.stdout) as { checks: { name: string; status: string; reason: string }[] }).checks;
      expect(checks.find((c) => c.name === 'kek-source')).toMatchObject({
        status: 'pass',
        reason: expect.stringContaining('RAMPART_MASTER_KEY'),
      });
      expect(pass.stdout).not.toContain(MASTER_KEY.toString('base64'));

      const pin = 'pin-that-must-not-print-4821';
      const broken = await rampart(['doctor', '--json'], {
        ...env,
        RAMPART_KEK_SOURCE: 'pkcs11',
        RAMPART_PKCS11_MODULE: '/nonexistent/libpkcs11.so',
        RAMPART_PKCS11_TOKEN_LABEL: 'nothing',
        RAMPART_PKCS11_PIN: pin,
      });
      expect(broken.code).toBe(1);
      const failed = (JSON.parse(broken.stdout) as { checks: { name: string; status: string }[] }).checks;
      expect(failed.find((c) => c.name === 'kek-source')).toMatchObject({ status: 'fail' });
      expect(broken.stdout + broken.stderr).not.toContain(pin);
    });
  });
}
