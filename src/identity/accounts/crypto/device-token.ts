/**
 * The device token of OWASP's "Slow down online guessing attacks with device cookies"
 * (docs/decisions/011-login-throttling.md): issued at every successful sign-in, it names the account,
 * when it was issued and a random nonce, and is authenticated with HMAC-SHA-256 under a key derived
 * from the master key (`login-device-token`). Presented at a later login of the same account, it
 * lets that attempt pass the account-wide throttle; it grants nothing else — the password is still
 * checked — and it is not a secret of the account: it only says "this device signed in before".
 *
 * `rdt1.<user id>.<issued at, ms>.<nonce: 16 bytes base64url>.<mac: 32 bytes base64url>`; the MAC
 * covers everything before it. Checked in constant time; a token of another account, a forged,
 * damaged or expired one is simply not a device token (`undefined`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../../../kernel/crypto/random.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

/** How long a device token is honoured: 400 days, the longest cookie lifetime browsers keep (RFC 6265bis §5.5). */
export const DEVICE_TOKEN_MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

const SHAPE = /^rdt1\.(usr_[A-Za-z0-9]{1,64})\.(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** A verified device token: the device's id (its nonce) and when it was issued. */
export interface DeviceTokenClaims {
  readonly deviceId: string;
  readonly issuedAt: number;
}

/** Issues and checks device tokens under one derived key. */
export class DeviceTokens {
  readonly #key: Secret<Buffer>;

  constructor(key: Secret<Buffer>) {
    if (key.reveal().length !== 32) throw new RangeError('the device-token key must be 32 bytes');
    this.#key = key;
    Object.freeze(this);
  }

  /** A new token for `userId`, issued at `now`. */
  issue(userId: string, now: number): Secret<string> {
    const body = `rdt1.${userId}.${Math.trunc(now)}.${randomToken(16)}`;
    return secret(`${body}.${this.#mac(body)}`);
  }

  /** The claims of `token` when it is a valid token of `userId`, issued at most {@link DEVICE_TOKEN_MAX_AGE_MS} before `now`. */
  verify(token: string, userId: string, now: number): DeviceTokenClaims | undefined {
    const match = SHAPE.exec(token);
    if (match === null) return undefined;
    const [, owner, issued, nonce, mac] = match as unknown as [string, string, string, string, string];
    const body = token.slice(0, token.length - mac.length - 1);
    const expected = Buffer.from(this.#mac(body), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const issuedAt = Number(issued);
    if (owner !== userId || issuedAt > now || now - issuedAt > DEVICE_TOKEN_MAX_AGE_MS) return undefined;
    return { deviceId: nonce, issuedAt };
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key.reveal()).update(body, 'utf8').digest('base64url');
  }
}
