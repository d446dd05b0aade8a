/**
 * The IdempotencyStore contract on every adapter: the memory reference, and SqlIdempotencyStore on
 * SQLite and on PostgreSQL — each through two database handles, as two instances would.
 */
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { MemoryIdempotencyStore } from '../../src/kernel/adapters/memory/memory-idempotency-store.js';
import { migrateToLatest, openDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { SqlIdempotencyStore } from '../../src/kernel/adapters/sql/sql-idempotency-store.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { backends } from '../helpers/backends.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

idempotencyStoreContract('MemoryIdempotencyStore', () => {
  const store = new MemoryIdempotencyStore();
  return Promise.resolve({ stores: [store, store], cleanup: () => Promise.resolve() });
});

for (const backend of await backends()) {
  idempotencyStoreContract(`SqlIdempotencyStore on ${backend.name}`, async () => {
    const instance = await backend.create();
    prepareDataDirectory(instance.dataDir);
    const url = instance.databaseUrl === undefined ? undefined : new Secret(instance.databaseUrl);
    const a = openDatabase({ url, dataDir: instance.dataDir });
    const b = openDatabase({ url, dataDir: instance.dataDir });
    await migrateToLatest(a);
    return {
      stores: [new SqlIdempotencyStore(a.db), new SqlIdempotencyStore(b.db)],
      async cleanup() {
        await a.close();
        await b.close();
        await instance.cleanup();
      },
    };
  });
}
