/**
 * The ClientStore contract (client-store.contract.ts) on the SQL adapter, on SQLite and on
 * PostgreSQL — there through the working role, so every scoped call meets row-level security as
 * well — with two connections to one database acting as two instances.
 */
import { TENANT_TABLES } from '../../src/capabilities.js';
import { SqlClientStore } from '../../src/credentials/adapters/sql-client-store.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { SqlOrgStore } from '../../src/tenancy/adapters/sql-org-store.js';
import { backends } from '../helpers/backends.js';
import { migratedStore } from '../helpers/sql-store.js';
import { clientStoreContract } from './client-store.contract.js';

const NOW = Date.UTC(2026, 0, 1);

for (const backend of await backends()) {
  clientStoreContract(`SqlClientStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    const [first] = migrated.databases;
    const orgs = new SqlOrgStore(first.db, first.dialect, TENANT_TABLES);
    const users = new SqlUserStore(first.db);
    return {
      stores: migrated.databases.map((d) => new SqlClientStore(d.db, d.dialect)),
      async createOrg(id, slug) {
        // An org is created with its owner: a user of its own.
        const owner = `usr_${slug}`;
        await users.create({ id: owner, email: `${owner}@example.test`, name: null, passwordHash: null, now: NOW });
        await orgs.create({ id, slug, name: slug, createdAt: NOW }, owner, 'owner');
      },
      cleanup: () => migrated.cleanup(),
    };
  });
}
