/**
 * The caller's TOTP enrolment (test/fixtures/spec-api-v1.md, "The caller"): start (or restart) → confirm with a
 * first code → ten recovery codes shown once; disable with a current code or a recovery code.
 * Rules: a confirmed enrolment is not restarted (disable it first: 409); confirming spends the
 * code's step; every change is recorded in the audit log before it runs (fail closed: a log that
 * cannot record leaves the enrolment as it was), never the secret or a code. Starting needs a
 * fresh session (the route's step-up, docs/decisions/012-step-up.md); disabling needs a current
 * code or a recovery code, itself the fresh proof, checked under the account's guess budget.
 *
 * Other sessions (V7.4.3): confirming an enrolment ends every other session of the user when the
 * caller asks (`endOtherSessions`); removing the factor ends them unless the caller asks to keep
 * them (`keepOtherSessions`). They end inside the audited change (the entry says which was
 * chosen), before the factor changes: a failure leaves the factor as it was.
 */
import { generateRecoveryCodes } from '../crypto/recovery-codes.js';
import { generateTotpSecret, type Totp } from '../crypto/totp.js';
import { openTotpSecret, sealTotpSecret } from '../crypto/totp-secret-seal.js';
import { DomainError, validationFailed } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { MfaStore } from '../ports/mfa-store.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { SecondFactor } from './second-factor.js';
import { CODE_ALREADY_USED } from './mfa-login.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { SecurityEventRecorder } from '../../security/domain/security-event.js';
import type { OtherSessions } from '../../sessions/services/other-sessions.js';

export interface MfaEnrolmentOptions {
  readonly store: MfaStore;
  readonly users: UserStore;
  readonly factor: SecondFactor;
  readonly totp: Totp;
  /** The master-key-derived key TOTP secrets are sealed under. */
  readonly sealKey: Secret<Buffer>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Tells the owner when a second factor is added or removed, after the change (identity/security/). */
  readonly securityEvents?: SecurityEventRecorder;
  /** Ends the user's other sessions (V7.4.3); without it, none are ended. */
  readonly otherSessions?: Pick<OtherSessions, 'end'>;
}

/** What a factor change does to the caller's other sessions, and which session is the caller's. */
export interface OtherSessionsChoice {
  /** The session the change is made from: it is kept. */
  readonly sessionId?: string | undefined;
  /** Confirm: end the other sessions (default false). Disable: end them (default true). */
  readonly endOtherSessions?: boolean;
}

/** A started enrolment: the secret and its `otpauth://` URI, shown to the caller only. */
export interface StartedTotp {
  readonly secret: Secret<string>;
  readonly otpauthUrl: Secret<string>;
}

function alreadyEnabled(): DomainError {
  return new DomainError('conflict', 'TOTP is already enabled; disable it before enrolling again');
}

function wrongCode(): DomainError {
  return validationFailed([{ field: 'body.code', reason: 'the code is not correct' }]);
}

export class MfaEnrolment {
  readonly #o: MfaEnrolmentOptions;

  constructor(options: MfaEnrolmentOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** Whether the user has a confirmed second factor (`GET /me`). */
  async isEnabled(userId: string): Promise<boolean> {
    return (await this.#o.store.findTotp(userId))?.confirmed === true;
  }

  async start(userId: string, context: RequestContext): Promise<StartedTotp> {
    const user = await this.#o.users.findById(userId);
    if (user === undefined) throw new DomainError('session_revoked', 'The account of this session is no longer active');
    if (await this.isEnabled(userId)) throw alreadyEnabled();
    const totpSecret = generateTotpSecret();
    await auditedChange(this.#o.audit, this.#event(userId, 'mfa.totp.enrol', context), async () => {
      const started = await this.#o.store.startTotp(userId, sealTotpSecret(this.#o.sealKey, userId, totpSecret), this.#o.clock.now());
      if (!started) throw alreadyEnabled();
    });
    return Object.freeze({ secret: totpSecret, otpauthUrl: this.#o.totp.uri(totpSecret, user.email) });
  }

  /** Confirms the pending enrolment with a first code; the ten recovery codes, shown once. */
  async confirm(
    userId: string,
    code: Secret<string>,
    context: RequestContext,
    choice: OtherSessionsChoice = {},
  ): Promise<readonly Secret<string>[]> {
    const endOthers = choice.endOtherSessions === true;
    const enrolment = await this.#o.store.findTotp(userId);
    if (enrolment === undefined || enrolment.confirmed) throw new DomainError('conflict', 'No TOTP enrolment is pending');
    const step = this.#o.totp.verify(openTotpSecret(this.#o.sealKey, userId, enrolment.secretSealed), code);
    if (step === null) {
      await this.#record(userId, 'mfa.totp.confirm', context, 'wrong_code');
      throw wrongCode();
    }
    const recovery = generateRecoveryCodes(userId);
    // A lost race (the step spent, the enrolment changed) follows the entry with a failure, not_applied.
    const details = { end_other_sessions: endOthers };
    await auditedChange(this.#o.audit, this.#event(userId, 'mfa.totp.confirm', context, undefined, details), async () => {
      if (endOthers) await this.#endOthers(userId, choice.sessionId);
      if (!(await this.#o.store.confirmTotp(userId, step, recovery.hashes, this.#o.clock.now()))) throw wrongCode();
    });
    await this.#o.securityEvents?.record({ userId, kind: 'mfa_enabled', context, details: { method: 'totp' } });
    return recovery.codes;
  }

  /** Removes TOTP and the recovery codes; needs a current code or an unused recovery code. */
  async disable(userId: string, code: Secret<string>, context: RequestContext, choice: OtherSessionsChoice = {}): Promise<void> {
    const endOthers = choice.endOtherSessions !== false;
    if (!(await this.isEnabled(userId))) throw new DomainError('conflict', 'TOTP is not enabled');
    const checked = await this.#o.factor.verify(userId, code, context).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === 'rate_limited')
        await this.#record(userId, 'mfa.totp.disable', context, 'rate_limited');
      throw error;
    });
    if (!checked.ok) {
      const used = checked.reason === 'already_used';
      await this.#record(userId, 'mfa.totp.disable', context, used ? 'code_already_used' : 'wrong_code');
      throw used ? validationFailed([{ field: 'body.code', reason: CODE_ALREADY_USED }]) : wrongCode();
    }
    const method = checked.method;
    const details = { method, end_other_sessions: endOthers };
    await auditedChange(this.#o.audit, this.#event(userId, 'mfa.totp.disable', context, undefined, details), async () => {
      if (endOthers) await this.#endOthers(userId, choice.sessionId);
      if (!(await this.#o.store.disableTotp(userId))) throw new DomainError('conflict', 'TOTP is not enabled');
    });
    await this.#o.securityEvents?.record({ userId, kind: 'mfa_disabled', context, details: { method: 'totp' } });
  }

  /** V7.4.3: every session of the user but the caller's ends. */
  async #endOthers(userId: string, keep: string | undefined): Promise<void> {
    await this.#o.otherSessions?.end(userId, keep, 'mfa_changed');
  }

  #event(
    userId: string,
    action: AuditAction,
    context: RequestContext,
    reason?: string,
    details?: Readonly<Record<string, unknown>>,
  ): AuditEvent {
    return userAuditEvent({ userId, action, resource: userId, context, reason, details });
  }

  async #record(
    userId: string,
    action: AuditAction,
    context: RequestContext,
    reason?: string,
    details?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.#o.audit.record(this.#event(userId, action, context, reason, details));
  }
}
