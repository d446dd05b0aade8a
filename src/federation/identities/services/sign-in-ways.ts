/**
 * The ways into an account other than its linked identities: a password (identity) and whatever a
 * later capability adds (passkeys) through {@link SignInWays.register}. Unlinking an identity asks
 * here first, so that it never removes the last way to sign in.
 */

/** Whether the account `userId` has a way in of this kind (a passkey…), other than linked identities. */
export type SignInWay = (userId: string) => Promise<boolean>;

export class SignInWays {
  readonly #ways = new Map<string, SignInWay>();

  /** Adds a kind of way in (`name`: `passkey`…); a name registered twice replaces the first. */
  register(name: string, way: SignInWay): void {
    this.#ways.set(name, way);
  }

  /** Whether any registered kind gives `userId` a way in (a failing check rejects, and the caller unlinks nothing). */
  async any(userId: string): Promise<boolean> {
    for (const way of this.#ways.values()) if (await way(userId)) return true;
    return false;
  }
}
