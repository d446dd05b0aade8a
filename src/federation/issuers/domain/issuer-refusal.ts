/**
 * Why a token naming an external issuer was refused. The reason goes to the audit log and the
 * server log only: the caller always sees 401 `token_invalid` (503 `service_unavailable` when the
 * issuer's keys cannot be had), never which check failed.
 */
export type IssuerRefusalReason =
  /** `iss` names no configured issuer (no key was fetched for it). */
  | 'untrusted_issuer'
  /** Not a well-formed JWS/JWT, or a header that is never accepted (`jku`, `x5u`, `jwk`, `x5c`, a huge `kid`). */
  | 'malformed'
  /** `alg` is not among the issuer's algorithms. */
  | 'algorithm'
  /** `aud` does not contain the issuer's configured audience. */
  | 'audience'
  /** `exp - iat` exceeds the issuer's maximum lifetime, or `iat`/`exp` is missing. */
  | 'lifetime'
  /** Past `exp` (or `iat` older than the maximum lifetime). */
  | 'expired'
  /** Before `nbf`, or `iat` in the future. */
  | 'not_yet_valid'
  /** The signature does not verify with the key its `kid` names. */
  | 'signature'
  /** No published key matches, even after refreshing the issuer's JWKS. */
  | 'unknown_key'
  /** The issuer's keys could not be fetched and none are cached (fail closed). */
  | 'jwks_unavailable'
  /** The claim the issuer maps to a user or principal is missing or malformed. */
  | 'subject'
  /** No Rampart user matches the claim (or, mapping by email, the email is not verified). */
  | 'unknown_user'
  /** The mapped user, or the external principal's owner, is not active. */
  | 'inactive_user'
  /** The org the token names is not one the issuer may speak for. */
  | 'org_not_allowed';

/** A refused token: its reason, and the issuer's name when `iss` named a configured one. */
export class IssuerTokenRefusal extends Error {
  readonly reason: IssuerRefusalReason;

  constructor(reason: IssuerRefusalReason) {
    super(`issuer token refused: ${reason}`);
    this.name = 'IssuerTokenRefusal';
    this.reason = reason;
  }
}
