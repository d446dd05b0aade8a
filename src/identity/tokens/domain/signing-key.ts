/**
 * What an access-token signing key is, as data: its algorithm, its life cycle and the record a
 * store keeps. Pure: the key material is handled by `identity/tokens/crypto/keyring.ts`, persistence by the
 * `SigningKeyStore` port. The life cycle is a rule of time, so it is decided here once.
 */
import type { Secret } from '../../../kernel/domain/secret.js';

/**
 * JWS algorithms an access token may be signed with (RFC 7518 §3.1, RFC 8037 §3.1), as
 * configuration names them (`RAMPART_ACCESS_TOKEN_ALG`).
 */
export const SIGNING_ALGORITHMS = Object.freeze(['EdDSA', 'ES256', 'RS256'] as const);

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * `active`: signs and verifies. `retiring`: replaced, still verifies and is still published in the
 * JWKS until `retire_after`. `retired`: neither (its tokens are refused).
 */
export type SigningKeyState = 'active' | 'retiring' | 'retired';

/** The members of a JWK, all strings for the key types we use (RFC 7517 §4, RFC 7518 §6). */
export type Jwk = Readonly<Record<string, string>>;

/**
 * A signing key as a store keeps it. Field names are the storage columns (snake_case) so an
 * adapter maps them one to one. Timestamps are milliseconds since the epoch.
 */
export interface SigningKeyRecord {
  /** Random, base64url, unique: never reused, never derived from a name or a path. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** The state as last written; {@link signingKeyStateAt} gives the state at a given time. */
  readonly state: SigningKeyState;
  readonly created_at: number;
  /** When a `retiring` key becomes `retired`; `null` while `active`. */
  readonly retire_after: number | null;
  /** The public JWK (no private member). */
  readonly public_jwk: Jwk;
  /**
   * The private JWK. Stored as is for now; encrypting it at rest under the key-encryption key is
   * the seam for the secrets issue: an adapter wraps and unwraps this one field.
   */
  readonly private_jwk: Secret<Jwk>;
}

/** The state of a key at `now`: a `retiring` key whose time has come is `retired`. */
export function signingKeyStateAt(state: SigningKeyState, retireAfter: number | null, now: number): SigningKeyState {
  if (state === 'retiring' && retireAfter !== null && now >= retireAfter) return 'retired';
  return state;
}

/** Whether a key in this state still verifies tokens (and is listed in the JWKS). */
export function isVerifyingState(state: SigningKeyState): boolean {
  return state === 'active' || state === 'retiring';
}

/** States only move forward: active → retiring → retired (or straight to retired on compromise). */
export function isForwardTransition(from: SigningKeyState, to: SigningKeyState): boolean {
  const order: Readonly<Record<SigningKeyState, number>> = { active: 0, retiring: 1, retired: 2 };
  return order[to] >= order[from];
}
