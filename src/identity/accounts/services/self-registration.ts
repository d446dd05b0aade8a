/**
 * `POST /api/v1/auth/register`, only when RAMPART_SELF_REGISTRATION=true (else 403). The policy
 * applies. A taken email is answered exactly as a new one (201, a user-shaped body with a fresh id
 * that names no account, after the same password hash), so registration tells nobody which emails
 * have accounts; no account is created or changed, the attempt is audited (`user.register`,
 * failure `email_taken`, subject: the owner of the email), and the owner is told through
 * {@link RegistrationNotices} — identity composes the email flows' notice, a "someone tried to
 * register with your email" mail (src/identity/email/).
 * The entry of a new account is recorded before the account is created (kernel/audited-change.ts).
 */
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../ports/user-store.js';
import { requireAcceptablePassword } from './new-password.js';
import { callerAddress, type RequestContext } from '../../../kernel/domain/request-context.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { loginSourceKey } from '../domain/login-source.js';

/** What a registration answers: the account's public fields (of a new account, or of none). */
export type RegisteredUser = Pick<User, 'id' | 'email' | 'name' | 'status' | 'createdAt' | 'emailVerifiedAt'>;

/**
 * Tells the owner of an email that someone tried to register with it. Guarantees: called after
 * the attempt is audited, never with the password; a failure is swallowed by the caller (the
 * answer must not differ). Without notices given, nobody is told.
 */
export interface RegistrationNotices {
  emailTaken(owner: User, context: RequestContext): Promise<void>;
}

const NO_NOTICES: RegistrationNotices = Object.freeze({ emailTaken: () => Promise.resolve() });

export interface SelfRegistrationOptions {
  readonly enabled: boolean;
  readonly users: UserStore;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Where a taken email's owner is told; nothing by default. */
  readonly notices?: RegistrationNotices;
}

export class SelfRegistration {
  readonly #o: SelfRegistrationOptions;

  constructor(options: SelfRegistrationOptions) {
    this.#o = options;
  }

  async register(input: { email: string; password: Secret<string>; name?: string }, context: RequestContext): Promise<RegisteredUser> {
    const { users, hasher, policy, clock } = this.#o;
    if (!this.#o.enabled) throw new DomainError('forbidden', 'Self-registration is not enabled');
    requireAcceptablePassword(policy, input.password, 'password', { email: input.email });
    const email = normaliseEmail(input.email);
    const answer: RegisteredUser = {
      id: newId('usr'),
      email,
      name: input.name ?? null,
      status: 'active',
      createdAt: clock.now(),
      emailVerifiedAt: null,
    };
    // Hashed whether or not the email is taken: the answer costs the same time either way.
    const passwordHash = await hasher.hash(input.password, { source: loginSourceKey(callerAddress(context)), lane: 'account' });
    const owner = await users.findByEmail(email);
    if (owner !== undefined) return this.#taken(owner, answer, context);
    try {
      await auditedChange(this.#o.audit, this.#event(answer.id, context), () =>
        users.create({ id: answer.id, email, name: answer.name, passwordHash, now: answer.createdAt }),
      );
    } catch (error) {
      // Taken between the look-up and the insert: the same answer as any taken email.
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
      const racer = await users.findByEmail(email);
      if (racer === undefined) throw error;
      return this.#taken(racer, answer, context);
    }
    return answer;
  }

  async #taken(owner: User, answer: RegisteredUser, context: RequestContext): Promise<RegisteredUser> {
    await this.#o.audit.record({
      ...this.#event(owner.id, context),
      actor: { type: 'user', id: null },
      result: 'failure',
      reason: 'email_taken',
    });
    await (this.#o.notices ?? NO_NOTICES).emailTaken(owner, context).catch(() => undefined);
    return answer;
  }

  #event(userId: string, context: RequestContext): AuditEvent {
    return {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: userId },
      action: 'user.register',
      resource: userId,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      subject: userId,
    };
  }
}
