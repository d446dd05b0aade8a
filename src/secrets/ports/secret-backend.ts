/**
 * Where secrets and their keys are stored, as three ports by concern:
 * - {@link SecretStore} (`secrets/ports/secret-store.ts`): the versions of an org's secrets;
 * - {@link DataKeyStore} (`secrets/ports/data-key-store.ts`): the orgs' wrapped data keys and the
 *   data-key work across orgs (rotate, rewrap);
 * - {@link KekRegistry} (`secrets/ports/kek-registry.ts`): the KEKs and KEK rotation's ledger.
 * Each stores ciphertext and wrapped keys only: sealing and opening happen in the secret service,
 * with keys the stores never see in clear. The built-in backend is the SQL database
 * (`secrets/adapters/sql-secret-backend.ts`), one adapter per port.
 *
 * An external store (Vault KV, a cloud secret manager) could implement the {@link SecretStore}:
 * versions, `min_decryption_version`, destroy-on-delete are its model. It could not take the
 * versions away from the SQL database alone: the SQL adapters read both tables in one transaction
 * where a guarantee needs it — `putVersion` checks that its data key still exists (against
 * `deleteUnused`), and the rewrap methods of the data-key store scan and compare-and-set the
 * versions and delete the keys no version refers to — so an external secret store needs a
 * data-key store that asks it. The {@link DataKeyStore} and the {@link KekRegistry} stay on the
 * SQL database: their guarantees (one active data key per org, a data key only under the active
 * KEK, compare-and-set rewraps) are transactions over several rows of both.
 */
import type { DataKeyStore } from './data-key-store.js';
import type { KekRegistry } from './kek-registry.js';
import type { SecretStore } from './secret-store.js';

/** The three stores the secret service works on. */
export interface SecretBackend {
  readonly secrets: SecretStore;
  readonly dataKeys: DataKeyStore;
  readonly keks: KekRegistry;
}
