/**
 * Where access-token signing keys live between restarts, shared by every instance. The keyring
 * (`identity/tokens/crypto/keyring.ts`) is loaded from `list()` at start; a rotation `save`s the new key and
 * `update`s the keys it demoted.
 */
import type { SigningKeyRecord, SigningKeyState } from '../domain/signing-key.js';

/** The only fields of a stored key that ever change. */
export interface SigningKeyStateChange {
  readonly state: SigningKeyState;
  readonly retire_after: number | null;
}

/**
 * Guarantees:
 * - `list` returns every key in any state (retired keys too: they are the history), oldest
 *   `created_at` first, and every record exactly as saved apart from its state.
 * - `save` is atomic and inserts only: a `kid` already stored rejects with `DomainError`
 *   `conflict` and leaves the stored key untouched. A `kid` is never reused.
 * - Key material (`alg`, `public_jwk`, `private_jwk`, `created_at`) never changes after `save`.
 * - `update` changes only `state` and `retire_after`, and only forward (active → retiring →
 *   retired, or straight to retired): a backward move rejects with `conflict`, an unknown `kid`
 *   with `not_found`. Writing the state a key already has is a no-op, so retries are safe.
 * - `private_jwk` is a `Secret`: an adapter never logs it, and encrypts it at rest once the
 *   key-encryption key exists (the secrets issue); `list` returns it as a `Secret` again.
 * - A failure of the backing store rejects the promise (the caller fails closed).
 */
export interface SigningKeyStore {
  list(): Promise<readonly SigningKeyRecord[]>;
  save(record: SigningKeyRecord): Promise<void>;
  update(kid: string, change: SigningKeyStateChange): Promise<void>;
}
