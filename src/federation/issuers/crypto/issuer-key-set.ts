/**
 * An issuer's published keys as a verifier uses them: a JWK Set (RFC 7517 §5) read from untrusted
 * JSON. Rules:
 * 1. only asymmetric public keys are kept (`kty` RSA, EC or OKP); a key carrying private or
 *    symmetric parameters (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`) is dropped — a public JWKS never
 *    holds one, and we never verify with one;
 * 2. a key whose `use` is set to anything but `sig` is dropped (RFC 7517 §4.2);
 * 3. at most {@link MAX_KEYS} keys; a document that is not `{ "keys": [...] }` is refused whole.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';

export const MAX_KEYS = 100;
const PRIVATE_PARAMETERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/** A usable key set: the resolver jose verifies with, and the `kid`s it holds. */
export interface IssuerKeySet {
  readonly resolve: JWTVerifyGetKey;
  readonly kids: ReadonlySet<string>;
  readonly size: number;
}

function isPublicSigningKey(value: unknown): value is JWK {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const key = value as Record<string, unknown>;
  if (typeof key['kty'] !== 'string' || !KEY_TYPES.has(key['kty'])) return false;
  if (PRIVATE_PARAMETERS.some((name) => name in key)) return false;
  if (key['use'] !== undefined && key['use'] !== 'sig') return false;
  return key['kid'] === undefined || (typeof key['kid'] === 'string' && key['kid'].length <= 128);
}

/** The key set of a JWKS document, or `undefined` when the document is not one. */
export function issuerKeySet(document: unknown): IssuerKeySet | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const keys = (document as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length > MAX_KEYS) return undefined;
  const usable = keys.filter(isPublicSigningKey);
  const jwks: JSONWebKeySet = { keys: usable };
  const kids = new Set(usable.map((key) => key.kid).filter((kid): kid is string => kid !== undefined));
  return Object.freeze({ resolve: createLocalJWKSet(jwks), kids, size: usable.length });
}
