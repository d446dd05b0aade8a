/**
 * Where the ceremonies' challenges wait: only their SHA-256, the purpose, the user and what they
 * are bound to. Guarantees:
 * - `consume` is one guarded statement (`UPDATE … WHERE used_at IS NULL AND expires_at > now AND
 *   purpose = ? AND binding matches RETURNING`): of N concurrent uses of one challenge exactly one
 *   receives it; an expired, used, unknown or differently bound challenge resolves `undefined`
 *   and changes nothing, so a challenge presented with the wrong binding is not spent for its owner;
 * - `create` also removes challenges expired before `now` (they can never be consumed);
 * - a failure of the backing store rejects the promise.
 */
import type { CeremonyPurpose } from '../domain/passkey.js';

export interface StoredChallenge {
  readonly purpose: CeremonyPurpose;
  readonly userId: string | null;
  readonly binding: string | null;
}

export interface PasskeyChallengeStore {
  create(challengeHash: string, challenge: StoredChallenge, now: number, expiresAt: number): Promise<void>;
  /** The challenge of that hash, purpose and binding (`null`: bound to nothing), spent by this call. */
  consume(challengeHash: string, purpose: CeremonyPurpose, binding: string | null, now: number): Promise<StoredChallenge | undefined>;
}
