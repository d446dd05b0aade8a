/**
 * The first platform administrator, created on the first start (no user exists): the owner of the
 * built-in `system` org, from RAMPART_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD, or `admin@<public host>`
 * with a random password that is handed back once, for the CLI to print on stderr — never logged,
 * never audited, never stored but as its argon2id hash. Either way the password must be changed at
 * first login before anything else (V6.4.1; identity/accounts/services/password-change-gate.ts).
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
}

/** What the one-time notice says: the password only when it was generated here. */
export interface BootstrapNotice {
  readonly email: string;
  readonly generatedPassword: Secret<string> | undefined;
}

export class BootstrapAdmin {
  readonly #o: BootstrapAdminOptions;

  constructor(options: BootstrapAdminOptions) {
    this.#o = options;
  }

  /** Creates the admin when no user exists; the notice when this call created it, else `undefined`. */
  async run(): Promise<BootstrapNotice | undefined> {
    if ((await this.#o.users.count()) > 0) return undefined;
    const email = normaliseEmail(this.#o.email ?? `admin@${new URL(this.#o.publicUrl).hostname}`);
    // 24 random bytes → 32 base64url characters (192 bits).
    const generated = this.#o.password === undefined ? secret(randomToken(24)) : undefined;
    const password = this.#o.password ?? generated;
    if (password === undefined) return undefined;
    const now = this.#o.clock.now();
    const created = await this.#o.users.bootstrap(
      { id: newId('org'), slug: SYSTEM_ORG_SLUG, name: 'System', createdAt: now },
      // V6.4.1: a generated or environment-given password is changed at first login, before anything else.
      {
        id: newId('usr'),
        email,
        name: 'Administrator',
        passwordHash: await this.#o.hasher.hash(password),
        now,
        passwordChangeRequired: true,
      },
      'owner',
    );
    return created ? Object.freeze({ email, generatedPassword: generated }) : undefined;
  }
}
