/**
 * The reference {@link SigningKeyStore}: one process, no persistence. It is the executable
 * specification of the port's guarantees that the SQL adapter will be tested against.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import { isForwardTransition, type SigningKeyRecord } from '../domain/signing-key.js';
import type { SigningKeyStateChange, SigningKeyStore } from '../ports/signing-key-store.js';

export class MemorySigningKeyStore implements SigningKeyStore {
  readonly #records = new Map<string, SigningKeyRecord>();

  list(): Promise<readonly SigningKeyRecord[]> {
    const records = [...this.#records.values()].sort((a, b) => a.created_at - b.created_at);
    return Promise.resolve(Object.freeze(records));
  }

  save(record: SigningKeyRecord): Promise<void> {
    if (this.#records.has(record.kid)) return Promise.reject(new DomainError('conflict', 'A signing key with this kid exists'));
    // A frozen copy: a caller mutating its object cannot change what is stored.
    this.#records.set(record.kid, Object.freeze({ ...record, public_jwk: Object.freeze({ ...record.public_jwk }) }));
    return Promise.resolve();
  }

  update(kid: string, change: SigningKeyStateChange): Promise<void> {
    const record = this.#records.get(kid);
    if (record === undefined) return Promise.reject(new DomainError('not_found', 'No signing key has this kid'));
    if (record.state === change.state) return Promise.resolve();
    if (!isForwardTransition(record.state, change.state)) {
      return Promise.reject(new DomainError('conflict', `A ${record.state} signing key cannot become ${change.state}`));
    }
    this.#records.set(kid, Object.freeze({ ...record, state: change.state, retire_after: change.retire_after }));
    return Promise.resolve();
  }
}
