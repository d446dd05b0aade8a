/**
 * What a failed sign-in's audit entry keeps of the typed identifier: the email itself only when
 * it names an existing account; otherwise a keyed hash of it, HMAC-SHA-256 under a key derived
 * from the master key (`login-identifier`). People type a password into the email field; the
 * keyed hash lets an operator see that the same text was tried again (and by whom, from where)
 * without the log holding the text, and, unlike a plain SHA-256, it cannot be tested against a
 * list of guesses by whoever reads the log without the master key.
 */
import { createHmac } from 'node:crypto';
import type { Secret } from '../../../kernel/domain/secret.js';

/** Keyed digests of typed identifiers. */
export class LoginIdentifierDigest {
  readonly #key: Secret<Buffer>;

  constructor(key: Secret<Buffer>) {
    if (key.reveal().length !== 32) throw new RangeError('the login-identifier key must be 32 bytes');
    this.#key = key;
    Object.freeze(this);
  }

  /** `hmac-sha256:<base64url>` of the normalised identifier. */
  of(identifier: string): string {
    return `hmac-sha256:${createHmac('sha256', this.#key.reveal()).update(identifier, 'utf8').digest('base64url')}`;
  }
}
