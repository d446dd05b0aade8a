/**
 * TOTP (RFC 6238) over otpauth: secret generation, the `otpauth://` enrolment URI and verification
 * with a ±1 time-step window that reports which step matched. RFC 6238 §5.2: "the verifier MUST NOT
 * accept the second attempt of the OTP after the successful validation has been issued for the first
 * OTP" — the caller stores the last accepted step and applies {@link acceptStep}; the store makes that
 * compare-and-set atomic.
 *
 * Time comes from an injected clock (structurally the `Clock` port: crypto does not import ports).
 */
import { randomBytes } from 'node:crypto';
import { Secret as OtpSecret, TOTP } from 'otpauth';
import type { Secret } from '../../../kernel/domain/secret.js';
import { secret } from '../../../kernel/domain/secret.js';

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Rampart';
/** RFC 4226 §4 R6: at least 128 bits, 160 recommended. */
const SECRET_BYTES = 20;

/** The HMAC hash of RFC 6238 §1.2 (SHA-1, SHA-256 or SHA-512). */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The clock and the TOTP parameters; the defaults are what authenticator apps expect. */
export interface TotpOptions {
  /** Milliseconds since the Unix epoch, as the `Clock` port gives them. */
  readonly clock: { now(): number };
  /** SHA1 by default: the only one every authenticator app supports. */
  readonly algorithm?: TotpAlgorithm;
  /** 6 by default (RFC 4226 §5.3 allows 6–8 here). */
  readonly digits?: number;
  /** The time step X in seconds; 30 by default (RFC 6238 §5.2). */
  readonly periodSeconds?: number;
  /** Steps accepted on each side of the current one; 1 by default (RFC 6238 §5.2), at most 2. */
  readonly window?: number;
}

/** 160 random bits (crypto.randomBytes), base32 (RFC 4648 §6) as authenticator apps take them. */
export function generateTotpSecret(): Secret<string> {
  return secret(new OtpSecret({ buffer: new Uint8Array(randomBytes(SECRET_BYTES)).buffer }).base32);
}

/**
 * The replay rule (RFC 6238 §5.2): a matched step is accepted only if it is later than the last
 * accepted one (`null` when none was), so a code is never accepted twice, nor an older one after it.
 */
export function acceptStep(lastAcceptedStep: number | null, matchedStep: number): boolean {
  return lastAcceptedStep === null || matchedStep > lastAcceptedStep;
}

/** TOTP generation of enrolment URIs and verification of codes, for one set of parameters. */
export class Totp {
  readonly algorithm: TotpAlgorithm;
  readonly digits: number;
  readonly periodSeconds: number;
  readonly window: number;
  readonly #clock: { now(): number };

  constructor(options: TotpOptions) {
    this.#clock = options.clock;
    this.algorithm = options.algorithm ?? 'SHA1';
    if (!['SHA1', 'SHA256', 'SHA512'].includes(this.algorithm)) throw new RangeError(`unsupported TOTP algorithm ${this.algorithm}`);
    this.digits = integer('digits', options.digits ?? 6, 6, 8);
    this.periodSeconds = integer('periodSeconds', options.periodSeconds ?? 30, 15, 120);
    this.window = integer('window', options.window ?? 1, 0, 2);
    Object.freeze(this);
  }

  /**
   * The `otpauth://totp/Rampart:<email>?secret=…&issuer=Rampart…` URI (Key URI Format) for a QR
   * code. It holds the secret, so it is a {@link Secret} too.
   */
  uri(totpSecret: Secret<string>, accountEmail: string): Secret<string> {
    return secret(this.#totp(totpSecret, accountEmail).toString());
  }

  /**
   * The time step (T = floor(unixSeconds / period), RFC 6238 §4.2) that `code` matches within the
   * window around the clock's now, or `null`. Spaces in the code are ignored; anything but exactly
   * `digits` ASCII digits is refused without computing an HMAC. The comparison is constant-time.
   */
  verify(totpSecret: Secret<string>, code: Secret<string>): number | null {
    const token = code.reveal().replace(/\s+/g, '');
    if (token.length !== this.digits || !/^[0-9]+$/.test(token)) return null;
    const timestamp = this.#clock.now();
    const delta = this.#totp(totpSecret, TOTP_ISSUER).validate({ token, timestamp, window: this.window });
    if (delta === null) return null;
    return TOTP.counter({ period: this.periodSeconds, timestamp }) + delta;
  }

  #totp(totpSecret: Secret<string>, label: string): TOTP {
    return new TOTP({
      issuer: TOTP_ISSUER,
      label,
      secret: decodeSecret(totpSecret),
      algorithm: this.algorithm,
      digits: this.digits,
      period: this.periodSeconds,
    });
  }
}

/** RFC 4226 §4 R6: a shared secret of at least 128 bits. */
const MIN_SECRET_BYTES = 16;

function decodeSecret(totpSecret: Secret<string>): OtpSecret {
  let decoded: OtpSecret;
  try {
    decoded = OtpSecret.fromBase32(totpSecret.reveal());
  } catch {
    // otpauth's message quotes the offending character of the secret: it is not passed on.
    throw new TypeError('the TOTP secret is not valid base32');
  }
  if (decoded.bytes.length < MIN_SECRET_BYTES) throw new TypeError('the TOTP secret is shorter than 128 bits');
  return decoded;
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`TOTP ${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
