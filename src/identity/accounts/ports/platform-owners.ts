/**
 * The guard that keeps the platform administrable: the built-in `system` org never loses its last
 * active owner through the disabling or erasure of a user (spec "Platform users").
 */

/** What a guarded disable did. */
export type GuardedDisable = 'disabled' | 'last_owner' | 'not_found';

/**
 * Guarantees (test/integration/last-owner.test.ts checks each, on every backend):
 * - `disableUnlessLastOwner` is atomic and serialised with every other call of it, on any number of
 *   instances: the check ("another active owner of `system` remains") and the disable are one
 *   step, so two concurrent calls for the last two owners disable at most one of them;
 * - a user who is not an active owner of `system` (or is already disabled) is simply disabled;
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
export interface PlatformOwners {
  /** Sets `userId` to `disabled` unless it is the last active owner of `system`. */
  disableUnlessLastOwner(userId: string, now: number): Promise<GuardedDisable>;
}
