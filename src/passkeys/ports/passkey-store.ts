/**
 * Where passkeys live. Guarantees (each one guarded statement, so they hold across instances):
 * - `add` stores a credential once: a credential id already stored (by anyone) resolves `false`
 *   and stores nothing; an account already holding `max` passkeys resolves `false` too;
 * - `advanceCounter` is a compare-and-set: it moves the counter to `presented` only while the
 *   stored one is lower (or both are 0, an authenticator without a counter), so of two concurrent
 *   uses of one assertion at most one succeeds and the counter never moves back;
 * - `rename` and `remove` touch only the row of that id AND that user: another user's id is
 *   "not found", never changed;
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
import type { NewPasskey, Passkey } from '../domain/passkey.js';

export interface PasskeyStore {
  add(passkey: NewPasskey, max: number): Promise<boolean>;
  /** The user's passkeys, oldest first, after the id `after` (a page of at most `limit`). */
  list(userId: string, after: string | undefined, limit: number): Promise<readonly Passkey[]>;
  /** Every credential id and transports of the user (for `allowCredentials`/`excludeCredentials`). */
  allOf(userId: string): Promise<readonly Passkey[]>;
  /** Whether the user holds at least one passkey. */
  has(userId: string): Promise<boolean>;
  findByCredentialId(credentialId: string): Promise<Passkey | undefined>;
  /** `true` when the counter moved to `presented` (see the guarantees); records the use and backup state. */
  advanceCounter(id: string, stored: number, presented: number, backedUp: boolean, now: number): Promise<boolean>;
  /** The renamed passkey, or `undefined` when the user has no passkey of that id. */
  rename(userId: string, id: string, name: string): Promise<Passkey | undefined>;
  /** `true` when the user's passkey of that id was removed by this call. */
  remove(userId: string, id: string): Promise<boolean>;
}
