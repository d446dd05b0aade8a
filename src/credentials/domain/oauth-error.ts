/**
 * The errors of the OAuth endpoints (`/api/v1/oauth/*`). RFC 6749 §5.2 (and RFC 7662 §2.3,
 * RFC 7009 §2.2.1) fix their shape — `{"error": "...", "error_description": "..."}` with status 400,
 * or 401 with `WWW-Authenticate` for a client that failed to authenticate — so these endpoints
 * answer them instead of problem+json. `description` is safe to show: it never holds a secret.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  // RFC 8707 §2: a resource (audience) the client may not ask for.
  | 'invalid_target';

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string;

  constructor(error: OAuthErrorCode, description: string, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'OAuthError';
    this.error = error;
    this.description = description;
  }

  /** RFC 6749 §5.2: 401 for a client that failed to authenticate, 400 otherwise. */
  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}
