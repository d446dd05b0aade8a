/**
 * The first platform administrator, created on the first start (no user exists): the owner of the
 * built-in `system` org, from RAMPART_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD, or `admin@<public host>`
 * with a random password that is handed back once, for the CLI to print on stderr — never logged,
 * never audited, never stored but as its argon2id hash. Either way the password must be changed at
 * first login before anything else (V6.4.1; identity/accounts/services/password-change-gate.ts) —
 * but for a given password under RAMPART_DEV. Variables set while users exist are reported
 * (`onIgnored`) so the start can warn that they are ignored.
 */
import { randomToken } from '../../../kernel/crypto/random.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG } from '../domain/user.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../ports/user-store.js';

export interface BootstrapAdminOptions {
  readonly users: UserStore;
  readonly hasher: Pick<PasswordHasher, 'hash'>;
  readonly clock: Clock;
  readonly email: string | undefined;
  readonly password: Secret<string> | undefined;
  readonly publicUrl: string;
  /**
   * RAMPART_DEV with a given password: the admin is created without the first-login password
   * change (a fixed development admin). Never for a generated password.
   */
  readonly keepGivenPassword?: boolean;
  /**
   * Called when RAMPART_BOOTSTRAP_ADMIN_* are set but users exist already, with the names of the
   * variables that are set (they are ignored: the start must say so, not stay silent).
   */
  readonly onIgnored?: (variables: readonly string[]) => void;
}

/** What the one-time notice says: the password only when it was generated here. */
export interface BootstrapNotice {
  readonly email: string;
  /** The admin's user id. */
  readonly userId: string;
  readonly generatedPassword: Secret<string> | undefined;
  /**
   * Where the notice was also written (a 0600 file in the data directory, deleted when the password
   * is changed: identity/accounts/adapters/bootstrap-notice-file.ts), when the password was generated.
   */
  readonly file?: string;
}

export class BootstrapAdmin {
  readonly #o: BootstrapAdminOptions;

  constructor(options: BootstrapAdminOptions) {
    this.#o = options;
  }

  /** Creates the admin when no user exists; the notice when this call created it, else `undefined`. */
  async run(): Promise<BootstrapNotice | undefined> {
    if ((await this.#o.users.count()) > 0) {
      const set = [
        ...(this.#o.email === undefined ? [] : ['RAMPART_BOOTSTRAP_ADMIN_EMAIL']),
        ...(this.#o.password === undefined ? [] : ['RAMPART_BOOTSTRAP_ADMIN_PASSWORD']),
      ];
      if (set.length > 0) this.#o.onIgnored?.(set);
      return undefined;
    }
    const email = normaliseEmail(this.#o.email ?? `admin@${new URL(this.#o.publicUrl).hostname}`);
    // 24 random bytes → 32 base64url characters (192 bits).
    const generated = this.#o.password === undefined ? secret(randomToken(24)) : undefined;
    const password = this.#o.password ?? generated;
    if (password === undefined) return undefined;
    const now = this.#o.clock.now();
    const userId = newId('usr');
    const created = await this.#o.users.bootstrap(
      { id: newId('org'), slug: SYSTEM_ORG_SLUG, name: 'System', createdAt: now },
      // V6.4.1: a generated or environment-given password is changed at first login, before
      // anything else — except a given one under RAMPART_DEV (a fixed development admin).
      {
        id: userId,
        email,
        name: 'Administrator',
        passwordHash: await this.#o.hasher.hash(password),
        now,
        passwordChangeRequired: generated !== undefined || this.#o.keepGivenPassword !== true,
      },
      'owner',
    );
    return created ? Object.freeze({ email, userId, generatedPassword: generated }) : undefined;
  }
}
