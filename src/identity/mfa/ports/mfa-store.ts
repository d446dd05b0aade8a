/**
 * Where MFA state lives: a user's TOTP enrolment (its secret only sealed), recovery-code hashes
 * and login challenges (the `mfa_token`'s hash). The store never sees a secret in clear.
 */

/** A user's TOTP enrolment as stored. */
export interface TotpEnrolment {
  readonly userId: string;
  /** The sealed secret; the service opens it. */
  readonly secretSealed: string;
  readonly confirmed: boolean;
  readonly lastStep: number | null;
}

/** What a challenge carries to the session it opens. */
export interface ChallengeClaim {
  readonly userId: string;
  readonly deviceName: string | null;
}

/**
 * Guarantees (each a single guarded statement or transaction, so they hold across instances;
 * test/contract/mfa-store.contract.ts checks each, on every adapter and backend, with several
 * instances racing):
 * - `confirmTotp` moves a pending enrolment to confirmed once, with its recovery codes all or
 *   nothing: of N concurrent confirmations one wins, and only its codes exist;
 * - `acceptStep` is a compare-and-set: of N concurrent callers with the same step, at most one
 *   gets `true`; a step at or below the stored `last_step` always gets `false` (RFC 6238 §5.2),
 *   so `last_step` only moves forward;
 * - `consumeRecoveryCode`: of N concurrent uses of one code, exactly one gets `true`, and a code
 *   is only its own user's;
 * - `spendAttempt` counts atomically and never past `maxAttempts`: it resolves with the claim only
 *   while the challenge is unconsumed, unexpired and had fewer than `maxAttempts` attempts, so no
 *   more than `maxAttempts` codes are ever checked against one challenge;
 * - `consumeChallenge`: at most one caller receives the claim of a challenge;
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
export interface MfaStore {
  /** Replaces a pending enrolment (or creates one); `false` when a confirmed one exists. */
  startTotp(userId: string, secretSealed: string, now: number): Promise<boolean>;
  findTotp(userId: string): Promise<TotpEnrolment | undefined>;
  /**
   * Confirms a pending enrolment at `step` (the step CAS applies) and replaces the user's recovery
   * codes with `codeHashes`, all or nothing. `false` when nothing was pending or the step was spent.
   */
  confirmTotp(userId: string, step: number, codeHashes: readonly string[], now: number): Promise<boolean>;
  /** Accepts `step` for a confirmed enrolment only if it is later than the last accepted one. */
  acceptStep(userId: string, step: number): Promise<boolean>;
  /** Marks the unused code used; `true` when this call used it. */
  consumeRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  /** Removes the enrolment and every recovery code; `true` when there was an enrolment. */
  disableTotp(userId: string): Promise<boolean>;
  createChallenge(tokenHash: string, claim: ChallengeClaim, now: number, expiresAt: number): Promise<void>;
  spendAttempt(tokenHash: string, now: number, maxAttempts: number): Promise<ChallengeClaim | undefined>;
  consumeChallenge(tokenHash: string, now: number): Promise<ChallengeClaim | undefined>;
}
