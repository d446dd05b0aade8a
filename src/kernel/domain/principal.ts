/**
 * Who is calling, once authentication has succeeded. Identity (issue: accounts, sessions, API
 * keys, service clients) fills this in; the foundation only carries it through the chain.
 */
export type PrincipalType = 'user' | 'api_key' | 'service';

export interface Principal {
  readonly type: PrincipalType;
  /** `usr_…`, `key_…` or the service client id. */
  readonly id: string;
  /** The session the credential belongs to, when it has one (`ses_…`). */
  readonly sessionId?: string;
  /** How the credential arrived: cookie-authenticated requests need the CSRF check. */
  readonly via: 'bearer' | 'cookie' | 'api_key' | 'client';
  /**
   * The scopes the credential carries, or `undefined` when it carries the principal's whole
   * authority. Authorization intersects them with the principal's own permissions.
   */
  readonly scopes?: readonly string[];
  /**
   * For an API key or a service client: the user whose authority bounds it (its creator). Its
   * effective permissions are `scopes` ∩ the owner's permissions, evaluated at every use.
   */
  readonly owner?: string;
  /** The org (`org_…`) the credential is confined to, when it is confined to one. */
  readonly org?: string;
}

/** The result of authenticating one request. */
export type AuthenticationResult =
  | { readonly outcome: 'none' }
  | { readonly outcome: 'authenticated'; readonly principal: Principal }
  | {
      readonly outcome: 'rejected';
      readonly code: 'token_invalid' | 'token_expired' | 'session_revoked' | 'unauthenticated';
      readonly detail?: string;
    };

/** The answer of an authorization check: deny by default, always with a reason. */
export interface Decision {
  readonly allow: boolean;
  readonly reason: string;
  /** A deny the caller must not learn about: the resource or org is outside what it can see. */
  readonly hide?: boolean;
}
