import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../../kernel/domain/errors.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import { isForwardTransition, isSigningAlgorithm, type Jwk, type SigningKeyRecord, type SigningKeyState } from '../domain/signing-key.js';
import type { SigningKeyStateChange, SigningKeyStore } from '../ports/signing-key-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { SigningKeyTable } from '../../adapters/identity-tables.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';

const FORMAT = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per encryption
const STATES: readonly SigningKeyState[] = ['active', 'retiring', 'retired'];

/** `v1.<iv>.<ciphertext>.<tag>`, base64url, AES-256-GCM with AAD = the kid. */
function seal(key: Buffer, kid: string, jwk: Jwk): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The AAD binds the ciphertext to its row: a private key copied under another kid fails to open.
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [FORMAT, iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

function open(key: Buffer, kid: string, sealed: string): Jwk {
  const [format, iv, body, tag, extra] = sealed.split('.');
  if (format !== FORMAT || iv === undefined || body === undefined || tag === undefined || extra !== undefined) {
    throw new DomainError('secret_integrity_failed', `signing key ${kid}: the stored private key is not in the expected format`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const clear = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return Object.freeze(JSON.parse(clear.toString('utf8')) as Jwk);
  } catch (cause) {
    throw new DomainError('secret_integrity_failed', `signing key ${kid}: the stored private key failed its integrity check`, { cause });
  }
}

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
    return Object.freeze(rows.map((row) => toRecord(row, secret(open(this.#wrapKey.reveal(), row.kid, row.private_jwk)))));
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
          private_jwk: seal(this.#wrapKey.reveal(), record.kid, record.private_jwk.reveal()),
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
