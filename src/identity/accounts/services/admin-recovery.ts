/**
 * `rampart admin recover`: the way back in for whoever holds the machine (the data directory and
 * the master key) when no administrator can sign in — the generated password lost, the only owner
 * disabled or locked out. Rules:
 * 1. the account is the one named by email; without one, the longest-standing owner of the
 *    `system` org, else `admin@<public host>` (the bootstrap admin's address);
 * 2. it is created, or re-enabled with its login backoff lifted, and made an owner of `system`;
 * 3. it gets a random one-time password (192 bits) that must be changed at first login before
 *    anything else (V6.4.1, the bootstrap admin's mark), or — with `link` — no password and a
 *    one-time set-password token (24 h) to set one;
 * 4. every session of the account is revoked on every instance (whoever held them is out);
 * 5. it is audited as `admin.recover` in the `system` org with the actor `system`/`cli`, the entry
 *    first (`auditedChange`): no entry, no recovery. The password and token are never recorded or
 *    logged; they are handed back once.
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { randomToken } from '../../../kernel/crypto/random.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus } from '../../../kernel/ports/revocation-bus.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import { hashPasswordToken, newPasswordToken } from '../crypto/password-token.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { normaliseEmail, SYSTEM_ORG_SLUG } from '../domain/user.js';
import type { AdminRecoveryStore } from '../ports/admin-recovery-store.js';
import type { PasswordTokenStore } from '../ports/password-token-store.js';
import type { UserStore } from '../ports/user-store.js';
import { PASSWORD_TOKEN_TTL_MS } from './user-admin.js';

export interface AdminRecoveryOptions {
  readonly store: AdminRecoveryStore;
  readonly users: Pick<UserStore, 'findByEmail'>;
  readonly passwordTokens: PasswordTokenStore;
  readonly revoker: SessionRevoker;
  readonly bus: RevocationBus;
  readonly hasher: Pick<PasswordHasher, 'hash'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly publicUrl: string;
}

export interface RecoveryRequest {
  readonly email?: string;
  /** A set-password link instead of a one-time password. */
  readonly link?: boolean;
}

/** The recovery's answer: shown once, to the operator who ran it. */
export interface Recovered {
  readonly userId: string;
  readonly email: string;
  readonly created: boolean;
  /** The one-time password (to be changed at first login), unless `link`. */
  readonly password?: Secret<string>;
  /** With `link`: the set-password token and the page link carrying it, and when they expire. */
  readonly setPasswordToken?: Secret<string>;
  readonly setPasswordLink?: Secret<string>;
  readonly expiresAt?: number;
  /** How many sessions of the account were revoked. */
  readonly sessionsRevoked: number;
}

/** The page a set-password link opens (it posts the token to `POST /api/v1/auth/password/set`). */
export const SET_PASSWORD_PAGE = '/password/set';

export class AdminRecovery {
  readonly #o: AdminRecoveryOptions;

  constructor(options: AdminRecoveryOptions) {
    this.#o = options;
  }

  async recover(request: RecoveryRequest): Promise<Recovered> {
    const { clock, store } = this.#o;
    const email = normaliseEmail(request.email ?? (await store.firstOwnerEmail()) ?? `admin@${new URL(this.#o.publicUrl).hostname}`);
    const existing = await this.#o.users.findByEmail(email);
    const link = request.link === true;
    // 24 random bytes → 32 base64url characters (192 bits), like the bootstrap admin's.
    const password = link ? undefined : secret(randomToken(24));
    const passwordHash = password === undefined ? null : await this.#o.hasher.hash(password);
    const token = link ? newPasswordToken() : undefined;
    const now = clock.now();
    const expiresAt = now + PASSWORD_TOKEN_TTL_MS;
    const userId = existing?.id ?? newId('usr');
    let created = false;
    let revoked: readonly string[] = [];
    const event: AuditEvent = {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: 'cli' },
      action: 'admin.recover',
      resource: userId,
      result: 'success',
      sourceIp: null,
      requestId: null,
      subject: userId,
      details: { created: existing === undefined, method: link ? 'set_password_link' : 'one_time_password' },
    };
    await auditedChange(this.#o.audit, event, async () => {
      const account = await store.recover({ email, newId: userId, passwordHash, now });
      created = account.created;
      if (token !== undefined) await this.#o.passwordTokens.issue(hashPasswordToken(token.reveal()), account.id, now, expiresAt);
      revoked = await this.#o.revoker.revokeAllOfUser(account.id, 'admin');
      // The membership may have changed: every instance drops its cached decisions about `system`.
      if (account.promoted) await this.#o.bus.publish({ kind: 'authz', id: account.orgId, revokedAt: this.#o.clock.now() });
    });
    return Object.freeze({
      userId,
      email,
      created,
      sessionsRevoked: revoked.length,
      ...(password === undefined ? {} : { password }),
      ...(token === undefined
        ? {}
        : {
            setPasswordToken: token,
            setPasswordLink: secret(`${this.#o.publicUrl}${SET_PASSWORD_PAGE}?token=${encodeURIComponent(token.reveal())}`),
            expiresAt,
          }),
    });
  }
}
