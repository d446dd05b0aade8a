/**
 * The caller's TOTP enrolment (test/fixtures/spec-api-v1.md, "The caller"): start (or restart) → confirm with a
 * first code → ten recovery codes shown once; disable with a current code or a recovery code.
 * Rules: a confirmed enrolment is not restarted (disable it first: 409); confirming spends the
 * code's step; every change is recorded in the audit log before it runs (fail closed: a log that
 * cannot record leaves the enrolment as it was), never the secret or a code. Starting needs a
 * fresh session (the route's step-up, docs/decisions/012-step-up.md); disabling needs a current
 * code or a recovery code, itself the fresh proof, checked under the account's guess budget.
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
import { auditedChange } from '../../../kernel/audited-change.js';

export interface MfaEnrolmentOptions {
  readonly store: MfaStore;
  readonly users: UserStore;
  readonly factor: SecondFactor;
  readonly totp: Totp;
  /** The master-key-derived key TOTP secrets are sealed under. */
  readonly sealKey: Secret<Buffer>;
  readonly audit: AuditLog;
  readonly clock: Clock;
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
  async confirm(userId: string, code: Secret<string>, context: RequestContext): Promise<readonly Secret<string>[]> {
    const enrolment = await this.#o.store.findTotp(userId);
    if (enrolment === undefined || enrolment.confirmed) throw new DomainError('conflict', 'No TOTP enrolment is pending');
    const step = this.#o.totp.verify(openTotpSecret(this.#o.sealKey, userId, enrolment.secretSealed), code);
    if (step === null) {
      await this.#record(userId, 'mfa.totp.confirm', context, 'wrong_code');
      throw wrongCode();
    }
    const recovery = generateRecoveryCodes(userId);
    // A lost race (the step spent, the enrolment changed) follows the entry with a failure, not_applied.
    await auditedChange(this.#o.audit, this.#event(userId, 'mfa.totp.confirm', context), async () => {
      if (!(await this.#o.store.confirmTotp(userId, step, recovery.hashes, this.#o.clock.now()))) throw wrongCode();
    });
    return recovery.codes;
  }

  /** Removes TOTP and the recovery codes; needs a current code or an unused recovery code. */
  async disable(userId: string, code: Secret<string>, context: RequestContext): Promise<void> {
    if (!(await this.isEnabled(userId))) throw new DomainError('conflict', 'TOTP is not enabled');
    const method = await this.#o.factor.check(userId, code).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === 'rate_limited')
        await this.#record(userId, 'mfa.totp.disable', context, 'rate_limited');
      throw error;
    });
    if (method === null) {
      await this.#record(userId, 'mfa.totp.disable', context, 'wrong_code');
      throw wrongCode();
    }
    await auditedChange(this.#o.audit, this.#event(userId, 'mfa.totp.disable', context, undefined, { method }), async () => {
      if (!(await this.#o.store.disableTotp(userId))) throw new DomainError('conflict', 'TOTP is not enabled');
    });
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
