/**
 * Checks a second-factor code of a user with a confirmed TOTP enrolment. Rules:
 * 1. six digits are a TOTP code: it matches within ±1 step (RFC 6238 §5.2) and its step must be
 *    later than the last accepted one — the store's compare-and-set — so a code is accepted once;
 * 2. anything else is tried as a recovery code, consumed by one guarded statement (single use
 *    even under concurrency);
 * 3. the secret is opened only here, never logged, never returned.
 */
import { hashRecoveryCode } from '../crypto/recovery-codes.js';
import type { Totp } from '../crypto/totp.js';
import { openTotpSecret } from '../crypto/totp-secret-seal.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { MfaStore } from '../ports/mfa-store.js';

/** How a second factor was proven (the login answer's `methods`). */
export type FactorMethod = 'totp' | 'recovery_code';

export const FACTOR_METHODS: readonly FactorMethod[] = Object.freeze(['totp', 'recovery_code']);

export class SecondFactor {
  readonly #store: MfaStore;
  readonly #totp: Totp;
  readonly #sealKey: Secret<Buffer>;
  readonly #clock: Clock;

  constructor(store: MfaStore, totp: Totp, sealKey: Secret<Buffer>, clock: Clock) {
    this.#store = store;
    this.#totp = totp;
    this.#sealKey = sealKey;
    this.#clock = clock;
  }

  /** The method that accepted `code` (and spent it), or `null`: wrong, replayed, used, or no MFA. */
  async check(userId: string, code: Secret<string>): Promise<FactorMethod | null> {
    const enrolment = await this.#store.findTotp(userId);
    if (enrolment === undefined || !enrolment.confirmed) return null;
    const step = this.#totp.verify(openTotpSecret(this.#sealKey, userId, enrolment.secretSealed), code);
    if (step !== null) return (await this.#store.acceptStep(userId, step)) ? 'totp' : null;
    const hash = hashRecoveryCode(userId, code);
    if (hash !== null && (await this.#store.consumeRecoveryCode(userId, hash, this.#clock.now()))) return 'recovery_code';
    return null;
  }
}
