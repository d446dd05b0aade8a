/**
 * The ApiKeyStore contract (api-key-store.contract.ts) on the SQL adapter, on SQLite and on
 * PostgreSQL — there through the working role (no owner, no BYPASSRLS: `api_keys` is under
 * row-level security), with two connections to one database acting as two instances.
 */
import { TENANT_TABLES } from '../../src/capabilities.js';
import { SqlApiKeyStore } from '../../src/credentials/adapters/sql-api-key-store.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { SqlOrgStore } from '../../src/tenancy/adapters/sql-org-store.js';
import { backends } from '../helpers/backends.js';
import { migratedStore } from '../helpers/sql-store.js';
import { apiKeyStoreContract } from './api-key-store.contract.js';

const NOW = Date.UTC(2026, 0, 1);

for (const backend of await backends()) {
  apiKeyStoreContract(`SqlApiKeyStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    const [first] = migrated.databases;
    const orgs = new SqlOrgStore(first.db, first.dialect, TENANT_TABLES);
    return {
      stores: migrated.databases.map((d) => new SqlApiKeyStore(d.db)),
      users: new SqlUserStore(first.db),
      createOrg: (id, slug, ownerId) => orgs.create({ id, slug, name: slug, createdAt: NOW }, ownerId, 'owner'),
      cleanup: () => migrated.cleanup(),
    };
  });
}
