/**
 * Data keys, on every backend: a data key is replaced before its
 * encryption counter passes the bound (lowered here from 2^30 to 10, reserved in blocks of 4), and
 * no key ever counts more; `rotateDataKeys` retires the active keys, `rewrap` moves every version
 * under its org's newest key and the retired keys are then deleted; every version still reveals.
 */
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
import { systemScope } from '../../src/secrets/domain/system-scope.js';
import { backends, type BackendInstance } from '../helpers/backends.js';

for (const backend of await backends()) {
  describe(`data keys on ${backend.name}`, () => {
    let store: BackendInstance;
    let database: SqlDatabase;
    let audit: MemoryAuditLog;
    const orgA = mintTenantScope({ id: 'org_dka', slug: 'dka' }, undefined);
    const orgB = mintTenantScope({ id: 'org_dkb', slug: 'dkb' }, undefined);

    // What `rampart secrets rotate-data-keys` and `rewrap` do: the operator acts on each org.
    const everyOrg = async () =>
      (await new SqlSecretBackend(database.db, database.dialect).dataKeys.orgsWithActive()).map((id) => systemScope(id));

    const service = (max?: number) =>
      new SecretService({
        backend: new SqlSecretBackend(database.db, database.dialect),
        kek: new MasterKeyKek(secret(Buffer.alloc(32, 3)), 'environment'),
        audit,
        clock: systemClock,
        onAlert: () => undefined,
        ...(max === undefined ? {} : { maxEncryptionsPerDataKey: max, reservationBlock: 4 }),
      });

    beforeEach(async () => {
      store = await backend.create();
      prepareDataDirectory(store.dataDir);
      database = openDatabase({ url: store.databaseUrl === undefined ? undefined : secret(store.databaseUrl), dataDir: store.dataDir });
      await migrateToLatest(database);
      audit = new MemoryAuditLog();
    });

    afterEach(async () => {
      await database?.close();
      await store?.cleanup();
    });

    it('replaces a data key before its encryption bound, and never counts past it', async () => {
      const secrets = service(10);
      for (let i = 1; i <= 25; i += 1) await secrets.put(orgA, 'counter', secret(`value-${i}`), undefined);
      const keys = await database.db.selectFrom('secret_data_keys').selectAll().where('org_id', '=', orgA.orgId).execute();
      expect(keys.length).toBeGreaterThanOrEqual(3);
      for (const key of keys) expect(Number(key.encryptions)).toBeLessThanOrEqual(10);
      expect(keys.filter((key) => key.state === 'active')).toHaveLength(1);
      const versions = await database.db
        .selectFrom('secret_versions')
        .select(['version', 'data_key_id'])
        .where('org_id', '=', orgA.orgId)
        .execute();
      const perKey = new Map<string, number>();
      for (const version of versions) perKey.set(version.data_key_id, (perKey.get(version.data_key_id) ?? 0) + 1);
      for (const count of perKey.values()) expect(count).toBeLessThanOrEqual(10);
      const reader = service();
      for (let i = 1; i <= 25; i += 1) expect((await reader.reveal(orgA, 'counter', i, undefined)).value.reveal()).toBe(`value-${i}`);
    });

    it('a writer holding a reservation on a key that rewrap deleted meanwhile retries under the new key', async () => {
      const writer = service();
      await writer.put(orgA, 'held', secret('one'), undefined);
      const operator = service();
      await operator.rotateDataKeys(await everyOrg());
      const dataKeys = new SqlSecretBackend(database.db, database.dialect).dataKeys;
      for (const version of await dataKeys.staleVersions(100)) await operator.rewrap(systemScope(version.orgId), version);
      expect(await dataKeys.deleteUnused()).toBe(1);
      // The writer's cached reservation names the deleted key: the write still lands, under the active key.
      expect(await writer.put(orgA, 'held', secret('two'), undefined)).toEqual({ name: 'held', version: 2 });
      const reader = service();
      expect((await reader.reveal(orgA, 'held', 1, undefined)).value.reveal()).toBe('one');
      expect((await reader.reveal(orgA, 'held', 2, undefined)).value.reveal()).toBe('two');
    });

    it('rotates data keys and rewraps every version under the newest key; retired keys are deleted', async () => {
      const secrets = service();
      for (const scope of [orgA, orgB])
        for (let i = 1; i <= 3; i += 1) await secrets.put(scope, 'token', secret(`${scope.orgSlug}-${i}`), undefined);
      const before = await database.db.selectFrom('secret_data_keys').select('id').execute();
      expect(await secrets.rotateDataKeys(await everyOrg())).toBe(2);
      await secrets.put(orgA, 'token', secret('dka-4'), undefined);

      const dataKeys = new SqlSecretBackend(database.db, database.dialect).dataKeys;
      let moved = 0;
      for (let stale = await dataKeys.staleVersions(100); stale.length > 0; stale = await dataKeys.staleVersions(100)) {
        for (const version of stale) if (await secrets.rewrap(systemScope(version.orgId), version)) moved += 1;
      }
      expect(moved).toBe(6);
      expect(await dataKeys.deleteUnused()).toBe(2);
      const after = await database.db.selectFrom('secret_data_keys').selectAll().execute();
      expect(after.map((key) => key.state)).toEqual(['active', 'active']);
      for (const key of after) expect(before.map((b) => b.id)).not.toContain(key.id);
      const reader = service();
      for (let i = 1; i <= 3; i += 1) {
        expect((await reader.reveal(orgA, 'token', i, undefined)).value.reveal()).toBe(`dka-${i}`);
        expect((await reader.reveal(orgB, 'token', i, undefined)).value.reveal()).toBe(`dkb-${i}`);
      }
      expect((await reader.reveal(orgA, 'token', undefined, undefined)).value.reveal()).toBe('dka-4');
    });
  });
}
