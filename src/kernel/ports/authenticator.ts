import type { AuthenticationResult } from '../domain/principal.js';

/** What the authentication layer hands an authenticator: the credential-bearing parts only. */
export interface CredentialRequest {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  /** The caller's address as `RAMPART_COLLECT_IP` keeps it (null when off): for audit entries only. */
  readonly ip: string | null;
  /** The caller's user agent as `RAMPART_COLLECT_USER_AGENT` keeps it (absent when off): for audit entries only. */
  readonly userAgent: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Recognises a credential and turns it into a principal.
 *
 * Guarantees: returns `none` when the request carries no credential this authenticator knows,
 * `rejected` when it carries one that is not valid (the layer stops there: a bad credential is
 * never treated as no credential), and `authenticated` only after every check has passed.
 * It never throws for a bad credential; a throw means the authenticator itself failed, and the
 * request fails closed with 500 or 503.
 */
export interface Authenticator {
  readonly name: string;
  authenticate(request: CredentialRequest): Promise<AuthenticationResult>;
  /**
   * The same judgement, made without I/O when this authenticator can (a token verified before,
   * served from memory): the result {@link authenticate} would give, or `undefined` when only
   * {@link authenticate} can tell. Optional; the layer calls it first so that a request it
   * settles costs no promise.
   */
  authenticateNow?(request: CredentialRequest): AuthenticationResult | undefined;
}
