/**
 * `rampart keys rotate-kek` killed with SIGKILL in the middle, then run again, on
 * every backend: between the two runs every secret still reveals (data keys sit under either KEK,
 * both usable), the second run says it resumed, finishes, leaves every data key under the new KEK
 * and retires the old one; every secret reveals afterwards. The CLI runs from source as a real
 * process (`node --import tsx src/cli/main.ts`).
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { SqlSecretBackend } from '../../src/secrets/adapters/sql-secret-backend.js';
import { dataKeyAad } from '../../src/secrets/crypto/envelope.js';
import { MasterKeyKek } from '../../src/secrets/crypto/kek-master-key.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { mintTenantScope } from '../../src/kernel/domain/tenant-scope.js';
import { systemClock } from '../../src/kernel/ports/clock.js';
import { SecretService } from '../../src/secrets/services/secret-service.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MASTER_KEY = Buffer.alloc(32, 0x5a);
const ORGS_WITH_SECRETS = 40;
const EXTRA_DATA_KEYS = 6_000;

function cli(env: Record<string, string>): Child {
  return startChild(process.execPath, ['--import', TSX, MAIN, 'keys', 'rotate-kek', '--json'], { cwd: ROOT, env: cleanEnv(env) });
}

async function until(check: () => boolean, what: string, child: Child): Promise<void> {
  for (let i = 0; i < 3000; i += 1) {
    if (check()) return;
    if (child.process.exitCode !== null) throw new Error(`the CLI exited before ${what}: ${child.stderr().slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const backend of await backends()) {
  describe(`rotate-kek crash and resume on ${backend.name}`, () => {
    let store: BackendInstance;
    let database: SqlDatabase;
    let env: Record<string, string>;
    const children: Child[] = [];

    const service = () =>
      new SecretService({
        backend: new SqlSecretBackend(database.db, database.dialect),
        kek: new MasterKeyKek(secret(MASTER_KEY), 'environment'),
        audit: new MemoryAuditLog(),
        clock: systemClock,
        onAlert: () => undefined,
      });
    const scope = (i: number) => mintTenantScope({ id: `org_crash${i}`, slug: `crash${i}` }, undefined);

    async function expectAllReveal(): Promise<void> {
      const fresh = service();
      for (let i = 0; i < ORGS_WITH_SECRETS; i += 1) {
        expect((await fresh.reveal(scope(i), 'db-password', undefined, undefined)).value.reveal()).toBe(`value-${i}`);
      }
    }

    beforeEach(async () => {
      store = await backend.create();
      prepareDataDirectory(store.dataDir);
      env = { ...store.env, RAMPART_MASTER_KEY: MASTER_KEY.toString('base64'), RAMPART_LOG_LEVEL: 'warn' };
      database = openDatabase({ url: store.databaseUrl === undefined ? undefined : secret(store.databaseUrl), dataDir: store.dataDir });
      await migrateToLatest(database);
      const writer = service();
      for (let i = 0; i < ORGS_WITH_SECRETS; i += 1) await writer.put(scope(i), 'db-password', secret(`value-${i}`), undefined);
      // Many more data keys (orgs without secrets yet), wrapped for real, so the rotation takes long enough to be killed mid-way.
      const kek = (await database.db.selectFrom('secret_keks').select('id').where('state', '=', 'active').executeTakeFirstOrThrow()).id;
      const wrapper = new MasterKeyKek(secret(MASTER_KEY), 'environment');
      for (let start = 0; start < EXTRA_DATA_KEYS; start += 500) {
        const rows = [];
        for (let i = start; i < start + 500; i += 1) {
          const id = `dk_bulk${i}`;
          const orgId = `org_bulk${i}`;
          rows.push({
            id,
            org_id: orgId,
            kek_id: kek,
            wrapped: await wrapper.wrap(kek, secret(Buffer.alloc(32, i % 251)), dataKeyAad(orgId, id)),
            state: 'active',
            encryptions: 0,
            created_at: Date.now(),
          });
        }
        await database.db.insertInto('secret_data_keys').values(rows).execute();
      }
    }, 120_000);

    afterEach(async () => {
      for (const child of children.splice(0)) await child.stop();
      await database?.close();
      await store?.cleanup();
    });

    it('survives SIGKILL in the middle: secrets reveal, the rerun resumes and finishes', async () => {
      const [oldKek] = (await database.db.selectFrom('secret_keks').select('id').execute()).map((row) => row.id);
      const first = cli(env);
      children.push(first);
      // Kill once progress shows some, but not all, data keys moved.
      await until(() => /\] [1-9]\d*\/\d+ /.test(first.stderr()), 'the first progress', first);
      first.process.kill('SIGKILL');
      const exit = await first.exited;
      expect(exit.signal).toBe('SIGKILL');

      const keks = await database.db.selectFrom('secret_keks').selectAll().orderBy('created_at').execute();
      expect(keks.map((k) => [k.id === oldKek ? 'old' : 'new', k.state])).toEqual([
        ['old', 'retiring'],
        ['new', 'active'],
      ]);
      const counts = await new SqlSecretBackend(database.db, database.dialect).keks.dataKeyCounts();
      const newKek = keks[1]?.id ?? '';
      expect(counts[newKek] ?? 0, 'some data keys moved before the kill').toBeGreaterThan(0);
      expect(counts[oldKek ?? ''] ?? 0, 'some data keys were still to move').toBeGreaterThan(0);
      // Between the runs, as a serving instance would: everything reveals.
      await expectAllReveal();

      const second = cli(env);
      children.push(second);
      expect((await second.exited).code, second.stderr()).toBe(0);
      const result = await second.waitForJson((line) => 'kek' in line, 'the result');
      expect(result).toMatchObject({ kek: newKek, resumed: true, failed: 0, retired: [oldKek] });
      expect(second.stderr()).toMatch(/\] \d+\/\d+ data keys rewrapped/);

      expect(await new SqlSecretBackend(database.db, database.dialect).keks.dataKeyCounts()).toEqual({
        [newKek]: EXTRA_DATA_KEYS + ORGS_WITH_SECRETS,
      });
      const after = await database.db.selectFrom('secret_keks').select(['id', 'state']).orderBy('created_at').execute();
      expect(after).toEqual([
        { id: oldKek, state: 'retired' },
        { id: newKek, state: 'active' },
      ]);
      await expectAllReveal();
    }, 300_000);
  });
}
