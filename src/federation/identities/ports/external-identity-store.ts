/**
 * Where linked identities live (migration 0025). One row per (provider, subject): an identity at a
 * provider belongs to at most one account.
 */
import type { ExternalIdentity, NewExternalIdentity, ProviderRef } from '../domain/external-identity.js';

/**
 * Guarantees (test/integration/federation-identities.test.ts checks each, on every backend):
 * - (provider, subject) is unique: `link` of a taken pair rejects with `DomainError('conflict')`
 *   and changes nothing — whichever account holds it;
 * - `unlink` is atomic with its "not the last way to sign in" check: of concurrent unlinks of
 *   the same account's identities, none leaves it without a way in when `keepOne` is set;
 * - reads and writes reach only the account named (an id of another account's identity is
 *   "not found");
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
export interface ExternalIdentityStore {
  /** Links the identity; resolves with it as stored. */
  link(identity: NewExternalIdentity): Promise<ExternalIdentity>;
  /** The identity `subject` at `provider`, whichever account it is linked to. */
  findBySubject(provider: ProviderRef, subject: string): Promise<ExternalIdentity | undefined>;
  /** `userId`'s identity `id`, or `undefined` (another account's id is not found). */
  findOfUser(userId: string, id: string): Promise<ExternalIdentity | undefined>;
  /** At most `limit` of `userId`'s identities, in id order, after `after`. */
  listOfUser(userId: string, after: string | undefined, limit: number): Promise<readonly ExternalIdentity[]>;
  /** How many identities `userId` has. */
  countOfUser(userId: string): Promise<number>;
  /** Records a sign-in through the identity: its time, and the email the provider gave this time. */
  recordUse(id: string, now: number, email: string | null, emailVerified: boolean): Promise<void>;
  /**
   * Removes `userId`'s identity `id`. With `keepOne`, only while the account keeps another
   * identity (its other ways in — a password, a passkey — are the caller's to count): resolves
   * `'last'` and removes nothing otherwise. `'not_found'` for an id that is not the account's.
   */
  unlink(userId: string, id: string, keepOne: boolean): Promise<'unlinked' | 'last' | 'not_found'>;
}
