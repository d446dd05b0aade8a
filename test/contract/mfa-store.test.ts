/**
 * The MfaStore contract (mfa-store.contract.ts) on the SQL adapter, on SQLite and on PostgreSQL —
 * there through the working role, as the server works — with two connections to one database
 * acting as two instances. The unavailable store is one over a database whose connections are
 * closed: every query fails.
 */
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { SqlMfaStore } from '../../src/identity/mfa/adapters/sql-mfa-store.js';
import { backends } from '../helpers/backends.js';
import { migratedStore, type MigratedStore } from '../helpers/sql-store.js';
import { mfaStoreContract } from './mfa-store.contract.js';

for (const backend of await backends()) {
  mfaStoreContract(`SqlMfaStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    const closed: MigratedStore[] = [];
    return {
      stores: migrated.databases.map((d) => new SqlMfaStore(d.db)),
      users: new SqlUserStore(migrated.databases[0].db),
      async unavailable() {
        const gone = await migratedStore(backend);
        closed.push(gone);
        await gone.databases[0].close();
        return new SqlMfaStore(gone.databases[0].db);
      },
      async cleanup() {
        for (const gone of closed) await gone.cleanup();
        await migrated.cleanup();
      },
    };
  });
}
