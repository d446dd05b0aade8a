/**
 * The challenge of a WebAuthn ceremony: 256 random bits, base64url (WebAuthn Level 3 §13.4.3 asks
 * for at least 16 random bytes), stored only as SHA-256 hex. The challenge a response answers is
 * read from its `clientDataJSON` (§5.8.1) to find the stored one; a value of another shape is
 * refused before any lookup. The library then checks that the response names exactly it.
 */
import { sha256 } from '../../kernel/crypto/digest.js';
import { randomToken } from '../../kernel/crypto/random.js';

const SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A `clientDataJSON` is small (a type, a challenge, an origin, two flags): refuse anything larger. */
const CLIENT_DATA_MAX = 4096;

/** A fresh challenge (sent to the client once). */
export function newChallenge(): string {
  return randomToken(32);
}

/** The hex SHA-256 to look the challenge up by, or `null` when it is not of our shape. */
export function hashChallenge(challenge: string): string | null {
  return SHAPE.test(challenge) ? sha256(challenge).toString('hex') : null;
}

/** The challenge a response's `clientDataJSON` (base64url) names, or `null` when it names none. */
export function challengeOf(clientDataJson: string): string | null {
  if (clientDataJson.length > CLIENT_DATA_MAX || !/^[A-Za-z0-9_-]+$/.test(clientDataJson)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJson, 'base64url').toString('utf8'));
    const challenge = typeof parsed === 'object' && parsed !== null ? (parsed as { challenge?: unknown }).challenge : undefined;
    return typeof challenge === 'string' && SHAPE.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}
