/**
 * The password policy of NIST SP 800-63B-4 §3.1.1.2 (§5.1.1.2 in rev. 3): a length window counted in
 * Unicode code points, no composition rules, and a refusal of passwords found in a list of common
 * or breached ones. It is pure: the list arrives as a value (see `identity/accounts/crypto/common-passwords.ts`), so
 * the domain reads no file and imports no package.
 *
 * Every password is NFC-normalised (Unicode UAX #15) before it is counted, compared or hashed, so
 * "é" typed as one code point or as "e" + U+0301 is the same password; `PasswordHasher` receives and
 * hashes that same NFC form.
 */
import type { Secret } from '../../../kernel/domain/secret.js';
import { secret } from '../../../kernel/domain/secret.js';

/** The longest password accepted, in code points (spec: 12–128). */
export const PASSWORD_MAX_LENGTH = 128;
/** The default minimum length, in code points. */
export const PASSWORD_DEFAULT_MIN_LENGTH = 12;
/** No configuration may go below this minimum (NIST SP 800-63B: at least 8). */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;

/**
 * A list of common or breached passwords. `has` receives the NFC form in lower case (`toLowerCase`,
 * locale-independent), and the list must hold its entries in that same form. A `ReadonlySet<string>`
 * fits.
 */
export interface CommonPasswordList {
  has(normalisedLowerCase: string): boolean;
}

/** Why a password was refused; the HTTP layer maps it to `validation_failed` naming `password`. */
export type PasswordRefusal = 'too_short' | 'too_long' | 'common';

/** The policy's answer: never the password, only whether and why. */
export type PasswordPolicyResult = { readonly ok: true } | { readonly ok: false; readonly reason: PasswordRefusal };

/** The policy's configuration, checked and frozen by the constructor. */
export interface PasswordPolicyOptions {
  /** Minimum length in code points: an integer from 8 to 128; 12 by default. */
  readonly minLength?: number;
  /** The common/breached list to refuse from. */
  readonly commonPasswords: CommonPasswordList;
}

/** The NFC form of a password: what the policy counts and what the hasher hashes. */
export function normalisePassword(password: Secret<string>): Secret<string> {
  return secret(password.reveal().normalize('NFC'));
}

/** Decides whether a new password may be set. Configuration is checked and frozen at construction. */
export class PasswordPolicy {
  readonly minLength: number;
  readonly maxLength = PASSWORD_MAX_LENGTH;
  readonly #common: CommonPasswordList;

  constructor(options: PasswordPolicyOptions) {
    const minLength = options.minLength ?? PASSWORD_DEFAULT_MIN_LENGTH;
    if (!Number.isInteger(minLength) || minLength < PASSWORD_MIN_LENGTH_FLOOR || minLength > PASSWORD_MAX_LENGTH) {
      throw new RangeError(
        `password policy minLength must be an integer from ${PASSWORD_MIN_LENGTH_FLOOR} to ${PASSWORD_MAX_LENGTH}, got ${String(minLength)}`,
      );
    }
    this.minLength = minLength;
    this.#common = options.commonPasswords;
    Object.freeze(this);
  }

  /** Checks a candidate password; the order is too short, too long, then common. */
  check(password: Secret<string>): PasswordPolicyResult {
    const nfc = normalisePassword(password).reveal();
    // Iterating a string walks code points, not UTF-16 units: an emoji counts once.
    let length = 0;
    for (const _ of nfc) length += 1;
    if (length < this.minLength) return { ok: false, reason: 'too_short' };
    if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'too_long' };
    if (this.#common.has(nfc.toLowerCase())) return { ok: false, reason: 'common' };
    return { ok: true };
  }
}
