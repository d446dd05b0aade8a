/**
 * The claims of a Rampart access token (test/fixtures/spec-api-v1.md, "Authentication"; RFC 9068 profile).
 * Pure types and limits: signing and verification live in `identity/tokens/crypto/access-token.ts`, and the
 * revocation set uses the same lifetime bound to know when a revoked session may be forgotten.
 */

/** RFC 9068 §2.1 / spec: an access token lives at most 15 minutes. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

/** How far clocks of two instances may disagree when `exp`/`nbf`/`iat` are checked (RFC 7519 §4.1.4). */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

/** The verified claims of an access token. Times are NumericDate seconds (RFC 7519 §2). */
export interface AccessTokenClaims {
  /** RFC 7519 §4.1.1: the issuer, compared exactly. */
  readonly iss: string;
  /** RFC 7519 §4.1.2: the user id (`usr_…`) or service client id. */
  readonly sub: string;
  /** RFC 7519 §4.1.3: always present (RFC 9068 §2.2 makes it required). */
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  /** RFC 7519 §4.1.7: unique per token. */
  readonly jti: string;
  /** The session (`ses_…`): revocation is checked against it. */
  readonly sid: string;
  /**
   * Space-separated scopes (RFC 9068 §2.2.3), on every token Rampart signs: a user's permissions at
   * issue (platform ones, or those in `org`), a service client's granted scopes. Absent only in a
   * token signed before v1.1.
   */
  readonly scope?: string;
  readonly email?: string;
  /** The active org id, when one is chosen. */
  readonly org?: string;
  /** RFC 9068 §2.2: the OAuth client a service token was issued to (`cli_…`); absent on user tokens. */
  readonly client_id?: string;
}
