/**
 * Where the signing keyring lives (table `signing_keyring`, migration 0020): deployment-wide rows, no
 * org. Only public keys and KEK-wrapped seeds are stored.
 *
 * Guarantees:
 * - **Rotation is one transaction**: {@link SigningKeyStore.add} with `retire` inserts the new key
 *   and retires every other active key of its purpose (`retired_at`, `verify_until`) together, so
 *   a reader sees the old active key or the new one, never neither.
 * - Keys are never deleted: a retired key stays published with its window (the JWKS shows it).
 * - Two instances creating the first key of a purpose at once may both succeed: both keys are
 *   published and verify; the newest is the one that signs.
 */
import type { SigningKeyRecord, SigningPurpose } from '../domain/signing-key.js';

export interface SigningKeyStore {
  /** Every key, oldest first; of one purpose when given. */
  list(purpose?: SigningPurpose): Promise<readonly SigningKeyRecord[]>;
  /** Adds `key`; with `retire`, the purpose's other active keys retire at `retire.at`, verifying until `retire.verifyUntil`. */
  add(key: SigningKeyRecord, retire?: { readonly at: number; readonly verifyUntil: number }): Promise<void>;
  /** Rewraps a key's seed under another KEK if it is still under `fromKekId` (compare-and-set); true when it did. */
  rewrap(id: string, fromKekId: string, toKekId: string, wrappedSeed: string): Promise<boolean>;
}
