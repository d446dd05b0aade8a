import { DomainError } from '../../../kernel/domain/errors.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import { isForwardTransition, isSigningAlgorithm, type Jwk, type SigningKeyRecord, type SigningKeyState } from '../domain/signing-key.js';
import type { SigningKeyStateChange, SigningKeyStore } from '../ports/signing-key-store.js';
import { openSigningKey, sealSigningKey } from '../crypto/signing-key-seal.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { SigningKeyTable } from '../../adapters/identity-tables.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';

const STATES: readonly SigningKeyState[] = ['active', 'retiring', 'retired'];

function toRecord(row: SigningKeyTable, privateJwk: Secret<Jwk>): SigningKeyRecord {
  if (!isSigningAlgorithm(row.alg) || !STATES.includes(row.state as SigningKeyState)) {
    throw new DomainError('secret_integrity_failed', `signing key ${row.kid}: unknown alg or state`);
  }
  return Object.freeze({
    kid: row.kid,
    alg: row.alg,
    state: row.state as SigningKeyState,
    created_at: row.created_at,
    retire_after: row.retire_after,
    public_jwk: Object.freeze(JSON.parse(row.public_jwk) as Jwk),
    private_jwk: privateJwk,
  });
}

/**
 * {@link SigningKeyStore} on the shared database. The private JWK is encrypted at rest with
 * AES-256-GCM under `wrapKey` (derived from the master key; the secrets issue moves this to the
 * secret service), the kid as AAD; the public JWK is stored in clear.
 */
export class SqlSigningKeyStore implements SigningKeyStore {
  readonly #db: RampartKysely;
  readonly #wrapKey: Secret<Buffer>;

  constructor(db: RampartKysely, wrapKey: Secret<Buffer>) {
    if (wrapKey.reveal().length !== 32) throw new RangeError('the signing-key wrap key must be 32 bytes');
    this.#db = db;
    this.#wrapKey = wrapKey;
  }

  async list(): Promise<readonly SigningKeyRecord[]> {
    const rows = await this.#db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return Object.freeze(rows.map((row) => toRecord(row, secret(openSigningKey(this.#wrapKey.reveal(), row.kid, row.private_jwk)))));
  }

  async save(record: SigningKeyRecord): Promise<void> {
    try {
      await this.#db
        .insertInto('signing_keys')
        .values({
          kid: record.kid,
          alg: record.alg,
          state: record.state,
          created_at: record.created_at,
          retire_after: record.retire_after,
          public_jwk: JSON.stringify(record.public_jwk),
          private_jwk: sealSigningKey(this.#wrapKey.reveal(), record.kid, record.private_jwk.reveal()),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'A signing key with this kid exists', { cause: error });
      throw error;
    }
  }

  async update(kid: string, change: SigningKeyStateChange): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('signing_keys').select('state').where('kid', '=', kid).executeTakeFirst();
      if (row === undefined) throw new DomainError('not_found', 'No signing key has this kid');
      const from = row.state as SigningKeyState;
      if (from === change.state) return;
      if (!isForwardTransition(from, change.state)) {
        throw new DomainError('conflict', `A ${from} signing key cannot become ${change.state}`);
      }
      // Guarded by the state read: a concurrent change in between updates nothing here.
      await trx
        .updateTable('signing_keys')
        .set({ state: change.state, retire_after: change.retire_after })
        .where('kid', '=', kid)
        .where('state', '=', from)
        .execute();
    });
  }
}
