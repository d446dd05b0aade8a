/**
 * The built-in {@link SecretBackend}: secrets, versions, wrapped data keys and KEK ids in the
 * shared database (migration 0010-secrets), one adapter per port over the same connection:
 * - `SqlSecretStore` (`secrets/adapters/sql-secret-store.ts`): versions, in the request's scope;
 * - `SqlDataKeyStore` (`secrets/adapters/sql-data-key-store.ts`): data keys, in a tenant or a
 *   system scope, and rewrap across orgs;
 * - `SqlKekRegistry` (`secrets/adapters/sql-kek-registry.ts`): KEKs, across orgs.
 * Scoped work runs through `withTenant` (RLS on PostgreSQL); a `SystemScope`'s work and the work
 * across orgs run through `withSystem`, whose `rampart_system` policy is the explicit grant for it.
 * Each adapter's header says how it keeps its port's guarantees under concurrency.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { SecretBackend } from '../ports/secret-backend.js';
import { SqlDataKeyStore } from './sql-data-key-store.js';
import { SqlKekRegistry } from './sql-kek-registry.js';
import { SqlSecretStore } from './sql-secret-store.js';

export class SqlSecretBackend implements SecretBackend {
  readonly secrets: SqlSecretStore;
  readonly dataKeys: SqlDataKeyStore;
  readonly keks: SqlKekRegistry;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.secrets = new SqlSecretStore(db, dialect);
    this.dataKeys = new SqlDataKeyStore(db, dialect);
    this.keks = new SqlKekRegistry(db);
  }
}
