/**
 * What a refused directory sign-in's audit entry keeps of a login name the directory does not
 * know: a keyed hash, HMAC-SHA-256 under the master key's `login-identifier` key (the one
 * identity keys typed emails with), over `<provider> NUL <name>`. People type passwords into
 * the username field; the log keeps neither, yet shows the same text tried again.
 */
import { createHmac } from 'node:crypto';
import type { Secret } from '../../../kernel/domain/secret.js';

export class IdentifierDigest {
  readonly #key: Secret<Buffer>;

  constructor(key: Secret<Buffer>) {
    if (key.reveal().length !== 32) throw new RangeError('the login-identifier key must be 32 bytes');
    this.#key = key;
    Object.freeze(this);
  }

  /** `hmac-sha256:<base64url>` of the provider and the typed name. */
  of(provider: string, name: string): string {
    return `hmac-sha256:${createHmac('sha256', this.#key.reveal()).update(`${provider}\0${name}`, 'utf8').digest('base64url')}`;
  }
}
