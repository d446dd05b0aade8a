/**
 * Identity's email flows (issue 17, item 1): verifying the account's address, resetting a
 * forgotten password, and moving the account to a new address. Each mails a one-time token
 * (256 bits, stored only hashed, single use, bound to the address it was mailed to) through the
 * mail capability's outbox.
 *
 * Guarantees:
 * - `forgot` answers the same whether or not an account has the address, after the same work on
 *   the request's path (the limiter's hits, the look-up, one audit entry): the token and the mail
 *   of a known account are made after the answer, so their cost tells nothing;
 * - each send is rate-limited per account and per address (the address only as a keyed digest),
 *   so nobody can bomb a mailbox; the per-address count does not depend on whether an account
 *   exists, so its refusal tells nothing either;
 * - a token is spent with its change in one transaction (of two uses, one wins); a reset revokes
 *   every session of the account on every instance (the revoker and the bus) and needs the account
 *   to still have the address the link was mailed to; a change is refused with `conflict` if the
 *   address was taken meanwhile, and nothing changes;
 * - every change is audited before it runs (kernel/audited-change.ts), every refusal as a failure;
 *   no token, password or address goes into an entry's details or a log.
 */
import { auditedChange, recordNotApplied } from '../../../kernel/audited-change.js';
import { DomainError, validationFailed } from '../../../kernel/domain/errors.js';
import { RetryLaterError } from '../../../kernel/domain/retry-later-error.js';
import { userAuditEvent, type RequestContext, type UserActor } from '../../../kernel/domain/request-context.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RateLimiter } from '../../../kernel/ports/rate-limiter.js';
import type { Mail, MailTemplate } from '../../../mail/index.js';
import type { PasswordHasher } from '../../accounts/crypto/password-hasher.js';
import type { PasswordPolicy } from '../../accounts/domain/password-policy.js';
import { normaliseEmail, type User } from '../../accounts/domain/user.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import { requireAcceptablePassword } from '../../accounts/services/new-password.js';
import type { RegistrationNotices } from '../../accounts/services/self-registration.js';
import type { SecurityEventRecorder } from '../../security/domain/security-event.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import { addressKey, hashEmailToken, newEmailToken } from '../crypto/email-token.js';
import { EMAIL_TOKEN_TTL_MS, type EmailToken, type EmailTokenPurpose } from '../domain/email-token.js';
import {
  CHANGE_EMAIL,
  CHANGE_EMAIL_TAKEN,
  EMAIL_CHANGED,
  REGISTRATION_EMAIL_TAKEN,
  RESET_PASSWORD,
  VERIFY_EMAIL,
} from '../domain/templates.js';
import type { EmailTokenStore } from '../ports/email-token-store.js';

/** Mails of one kind per account, and mails per address, within {@link SEND_WINDOW_MS}. */
export const SENDS_PER_WINDOW = 5;
export const SEND_WINDOW_MS = 60 * 60 * 1000;

/** The front-end pages the mailed links open (each posts the token to the API route). */
export const CONFIRM_PAGE = '/email/confirm';
export const RESET_PAGE = '/password/reset';

export interface EmailFlowsOptions {
  readonly users: UserStore;
  readonly tokens: EmailTokenStore;
  readonly mail: Mail;
  readonly revoker: Pick<SessionRevoker, 'revokeAllOfUser'>;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly publicUrl: string;
  /** Identity's security events (`password_reset`, `email_changed`), when composed: read at each use. */
  readonly securityEvents: () => SecurityEventRecorder | undefined;
  /** Reports a failure of work done after the answer (a known account's reset mail). */
  readonly onError: (error: unknown) => void;
  /**
   * Called once an account's row changed (its email verified or changed, its password reset),
   * before the answer: the caches of that row are dropped on every instance.
   */
  readonly userChanged?: (userId: string) => Promise<void>;
}

export class EmailFlows {
  readonly #o: EmailFlowsOptions;
  readonly #base: string;

  constructor(options: EmailFlowsOptions) {
    this.#o = options;
    this.#base = options.publicUrl.replace(/\/+$/, '');
  }

  /** `POST /me/email/verify`: mails the caller a verification link for their address. */
  async requestVerification(actor: UserActor): Promise<void> {
    const user = await this.#activeUser(actor.userId);
    if (user.emailVerifiedAt !== null) throw new DomainError('conflict', 'The email address is already verified');
    await this.#limit('user.email.verify_request', user.id, actor, [
      `email-send:verify:${user.id}`,
      `email-send:addr:${addressKey(user.email)}`,
    ]);
    await auditedChange(
      this.#o.audit,
      userAuditEvent({ userId: user.id, action: 'user.email.verify_request', resource: user.id, context: actor }),
      () => this.#send('verify', user, user.email, VERIFY_EMAIL, CONFIRM_PAGE, {}),
    );
  }

  /** `POST /auth/email/confirm`: spends a verification or email-change token. */
  async confirm(token: Secret<string>, context: RequestContext): Promise<void> {
    const tokenHash = hashEmailToken(token.reveal());
    const found = await this.#o.tokens.findUsable(tokenHash, this.#o.clock.now());
    if (found === undefined || found.purpose === 'reset') {
      await this.#refused('user.email.verify', null, context, 'token_invalid');
      throw new DomainError('token_invalid', 'The confirmation token is not valid');
    }
    if (found.purpose === 'verify') await this.#verify(tokenHash, found, context);
    else await this.#change(tokenHash, found, context);
    await this.#o.userChanged?.(found.userId);
  }

  /** `POST /auth/password/forgot`: the same answer, and the same work before it, for any address. */
  async forgot(emailInput: string, context: RequestContext): Promise<void> {
    const email = normaliseEmail(emailInput);
    await this.#limit('user.password.forgot', null, context, [`email-send:addr:${addressKey(email)}`]);
    const user = await this.#o.users.findByEmail(email);
    if (user === undefined || user.status !== 'active') {
      await this.#refused('user.password.forgot', null, context, user === undefined ? 'unknown_account' : 'account_disabled');
      return;
    }
    const event = userAuditEvent({ userId: user.id, action: 'user.password.forgot', resource: user.id, context });
    await this.#o.audit.record(event);
    // After the answer: the token and the mail cost what an unknown address does not.
    setImmediate(() => {
      this.#send('reset', user, user.email, RESET_PASSWORD, RESET_PAGE, {}).catch(async (error: unknown) => {
        await recordNotApplied(this.#o.audit, event, error);
        this.#o.onError(error);
      });
    });
  }

  /**
   * A reset link mailed to `user` on another flow's behalf ("this wasn't me" on a new-device alert:
   * identity/security/ports/password-reset-request.ts): audited as `user.password.forgot`, within
   * the same per-address limit; rejects when it could not be queued.
   */
  async requestReset(user: User, context: RequestContext): Promise<void> {
    if (user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    await this.#limit('user.password.forgot', user.id, context, [`email-send:addr:${addressKey(user.email)}`]);
    await auditedChange(
      this.#o.audit,
      userAuditEvent({ userId: user.id, action: 'user.password.forgot', resource: user.id, context }),
      () => this.#send('reset', user, user.email, RESET_PASSWORD, RESET_PAGE, {}),
    );
  }

  /** `POST /auth/password/reset`: sets the password with a reset token and revokes every session. */
  async reset(token: Secret<string>, password: Secret<string>, context: RequestContext): Promise<void> {
    const { policy, clock } = this.#o;
    // The policy first: a refused password must not spend the token.
    requireAcceptablePassword(policy, password, 'new_password');
    const tokenHash = hashEmailToken(token.reveal());
    const found = await this.#o.tokens.findUsable(tokenHash, clock.now());
    const user = found?.purpose === 'reset' ? await this.#o.users.findById(found.userId) : undefined;
    if (found === undefined || user === undefined || user.status !== 'active' || user.email !== found.email) {
      await this.#refused('user.password.reset', user?.id ?? null, context, 'token_invalid');
      throw new DomainError('token_invalid', 'The reset token is not valid');
    }
    requireAcceptablePassword(policy, password, 'new_password', { email: user.email });
    const hash = await this.#o.hasher.hash(password);
    await auditedChange(
      this.#o.audit,
      userAuditEvent({ userId: user.id, action: 'user.password.reset', resource: user.id, context }),
      async () => {
        if (!(await this.#o.tokens.applyReset(tokenHash, found, hash, clock.now()))) {
          throw new DomainError('token_invalid', 'The reset token is not valid');
        }
        await this.#o.revoker.revokeAllOfUser(user.id, 'password_changed');
      },
    );
    await this.#o.userChanged?.(user.id);
    await this.#securityEvent({ userId: user.id, kind: 'password_reset', context });
  }

  /** `POST /me/email`: mails a confirmation link to the new address (the route requires a step-up). */
  async requestChange(actor: UserActor, emailInput: string): Promise<void> {
    const user = await this.#activeUser(actor.userId);
    const email = normaliseEmail(emailInput);
    if (email === user.email) throw validationFailed([{ field: 'email', reason: 'is already the address of the account' }]);
    await this.#limit('user.email.change_request', user.id, actor, [
      `email-send:change:${user.id}`,
      `email-send:addr:${addressKey(email)}`,
    ]);
    const taken = (await this.#o.users.findByEmail(email)) !== undefined;
    const event = userAuditEvent({
      userId: user.id,
      action: 'user.email.change_request',
      resource: user.id,
      context: actor,
      ...(taken ? { reason: 'email_taken' } : {}),
    });
    // The caller is answered the same either way; the owner of a taken address is told instead.
    await auditedChange(this.#o.audit, event, async () => {
      if (taken) await this.#queue(email, CHANGE_EMAIL_TAKEN, { email });
      else await this.#send('change', user, email, CHANGE_EMAIL, CONFIRM_PAGE, { old_email: user.email });
    });
  }

  /** Self-registration's notice to the owner of a taken address (rate-limited per address; never throws to the caller). */
  readonly registrationNotices: RegistrationNotices = {
    emailTaken: async (owner: User) => {
      const allowed = await this.#o.limiter.hit(`email-send:addr:${addressKey(owner.email)}`, SENDS_PER_WINDOW, SEND_WINDOW_MS);
      if (!allowed.allowed) return;
      await this.#queue(owner.email, REGISTRATION_EMAIL_TAKEN, { email: owner.email });
    },
  };

  async #verify(tokenHash: string, found: EmailToken, context: RequestContext): Promise<void> {
    const event = userAuditEvent({ userId: found.userId, action: 'user.email.verify', resource: found.userId, context });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#o.tokens.applyVerify(tokenHash, found, this.#o.clock.now()))) {
        throw new DomainError('token_invalid', 'The confirmation token is not valid');
      }
    });
  }

  async #change(tokenHash: string, found: EmailToken, context: RequestContext): Promise<void> {
    const event = userAuditEvent({ userId: found.userId, action: 'user.email.change', resource: found.userId, context });
    const changed = await auditedChange(this.#o.audit, event, async () => {
      const applied = await this.#o.tokens.applyChange(tokenHash, found, this.#o.clock.now());
      if (applied === undefined) throw new DomainError('token_invalid', 'The confirmation token is not valid');
      return applied;
    });
    const recorder = this.#o.securityEvents();
    if (recorder !== undefined) {
      await this.#securityEvent({ userId: found.userId, kind: 'email_changed', context, alsoNotify: changed.oldEmail });
      return;
    }
    // No security-event notifier composed: the old address is told here.
    await this.#queue(changed.oldEmail, EMAIL_CHANGED, { old_email: changed.oldEmail, email: found.email }).catch(this.#o.onError);
  }

  async #activeUser(userId: string): Promise<User> {
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    return user;
  }

  /** Counts one send on each key; past a limit, the refusal is audited and answered 429 with Retry-After. */
  async #limit(action: AuditAction, userId: string | null, context: RequestContext, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      let result;
      try {
        result = await this.#o.limiter.hit(key, SENDS_PER_WINDOW, SEND_WINDOW_MS);
      } catch (cause) {
        throw new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly', { cause });
      }
      if (!result.allowed) {
        await this.#refused(action, userId, context, 'rate_limited');
        throw new RetryLaterError(result.resetMs / 1000, 'Too many mails asked for; retry later');
      }
    }
  }

  /** Issues a token of `purpose` for `user`, bound to `to`, and queues `template` with its link. */
  async #send(
    purpose: EmailTokenPurpose,
    user: User,
    to: string,
    template: MailTemplate,
    page: string,
    values: Readonly<Record<string, string>>,
  ): Promise<void> {
    const now = this.#o.clock.now();
    const token = newEmailToken();
    await this.#o.tokens.issue({
      tokenHash: hashEmailToken(token.reveal()),
      purpose,
      userId: user.id,
      email: to,
      now,
      expiresAt: now + EMAIL_TOKEN_TTL_MS[purpose],
    });
    const link = `${this.#base}${page}?token=${encodeURIComponent(token.reveal())}`;
    await this.#queue(to, template, { ...values, email: to, link, token: token.reveal() });
  }

  async #queue(to: string, template: MailTemplate, values: Readonly<Record<string, string>>): Promise<void> {
    // The mail capability renders before it stores: a template fault fails the request, never a queued message.
    await this.#o.mail.queue({ to, template, values: { ...values, public_url: this.#base } });
  }

  async #securityEvent(event: Parameters<SecurityEventRecorder['record']>[0]): Promise<void> {
    const recorder = this.#o.securityEvents();
    if (recorder === undefined) return;
    await recorder.record(event).catch(this.#o.onError);
  }

  async #refused(action: AuditAction, userId: string | null, context: RequestContext, reason: string): Promise<void> {
    await this.#o.audit.record(userAuditEvent({ userId, action, resource: userId ?? 'unknown_account', context, reason }));
  }
}
