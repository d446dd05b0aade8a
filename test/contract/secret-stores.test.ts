/**
 * The secret stores' contract (test/contract/secret-stores.contract.ts) on the SQL adapters, on
 * SQLite and PostgreSQL: two handles on one database acting as two instances, working as the role
 * that owns nothing and cannot bypass row-level security, as the server does.
 */
import { SqlSecretBackend } from '../../src/secrets/adapters/sql-secret-backend.js';
import { backends } from '../helpers/backends.js';
import { migratedStore } from '../helpers/sql-store.js';
import { secretStoresContract } from './secret-stores.contract.js';

for (const backend of await backends()) {
  secretStoresContract(`SqlSecretBackend on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    return {
      backends: migrated.databases.map((database) => new SqlSecretBackend(database.db, database.dialect)),
      cleanup: () => migrated.cleanup(),
    };
  });
}
