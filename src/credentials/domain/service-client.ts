/**
 * OAuth 2 service clients of an org (test/fixtures/spec-api-v1.md, "Authentication"; RFC 6749 §4.4). The rules,
 * pure:
 * 1. a client authenticates with a secret (`client_secret_basic`, RFC 6749 §2.3.1) or with a JWT
 *    signed by a key of its registered JWK Set (`private_key_jwt`, RFC 7523 §2.2);
 * 2. its scopes are org permissions, bounded at creation by its creator's and at every use by the
 *    creator's current permissions (the authorizer's job);
 * 3. a token request may ask for a subset of the client's scopes, never more (RFC 6749 §3.3);
 * 4. a revoked client gets no token, and every token it holds stops at once.
 */

export type ClientAuthMethod = 'client_secret_basic' | 'private_key_jwt';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = Object.freeze(['client_secret_basic', 'private_key_jwt']);

/** A public JWK as registered (RFC 7517 §4); private members are refused at registration. */
export type PublicJwk = Readonly<Record<string, unknown>>;

export interface ServiceClient {
  /** `cli_…`: the OAuth `client_id`. */
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly authMethod: ClientAuthMethod;
  readonly scopes: readonly string[];
  /** The audiences its tokens may be issued for besides Rampart (RFC 8707 resource indicators). */
  readonly audiences: readonly string[];
  /** The user whose authority bounds the client. */
  readonly createdBy: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** private_key_jwt: the registered keys. */
  readonly jwks: { readonly keys: readonly PublicJwk[] } | null;
}

/** A stored client with what it authenticates with (the secret's SHA-256, never the secret). */
export interface StoredServiceClient extends ServiceClient {
  readonly secretHash: string | null;
}

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/**
 * The public members each key type may carry (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2) beside the
 * common ones (RFC 7517 §4): anything else — a private member, a certificate chain, padding — is
 * refused, so a registration stores a key and nothing more.
 */
const TYPE_MEMBERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
});
const COMMON_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops'];
/** Longest member value: the modulus of an 8192-bit RSA key is 1,366 base64url characters. */
export const MAX_JWK_MEMBER_LENGTH = 2048;
/** The whole registered set, serialised: ten 8192-bit RSA keys fit, a megabyte of padding does not. */
export const MAX_JWKS_BYTES = 16 * 1024;
export const MAX_CLIENT_KEYS = 10;

function memberProblem(key: PublicJwk, index: number): string | undefined {
  const kty = key['kty'];
  if (typeof kty !== 'string' || !Object.hasOwn(TYPE_MEMBERS, kty)) return `keys.${index}.kty must be RSA, EC or OKP`;
  const secretMember = PRIVATE_MEMBERS.find((member) => Object.hasOwn(key, member));
  if (secretMember !== undefined) return `keys.${index} holds the private member ${secretMember}; register the public key only`;
  const allowed = new Set([...COMMON_MEMBERS, ...(TYPE_MEMBERS[kty] ?? [])]);
  const extra = Object.keys(key).find((member) => !allowed.has(member));
  if (extra !== undefined) return `keys.${index} holds a member a ${kty} public key does not have`;
  const missing = (TYPE_MEMBERS[kty] ?? []).find((member) => !Object.hasOwn(key, member));
  if (missing !== undefined) return `keys.${index}.${missing} is required for ${kty}`;
  for (const [member, value] of Object.entries(key)) {
    const values = member === 'key_ops' && Array.isArray(value) ? (value as unknown[]) : [value];
    if (member === 'key_ops' && (!Array.isArray(value) || value.length > 8)) return `keys.${index}.key_ops must be an array of at most 8`;
    if (!values.every((item) => typeof item === 'string' && item.length > 0 && item.length <= MAX_JWK_MEMBER_LENGTH)) {
      return `keys.${index}.${member} must be a string of 1 to ${MAX_JWK_MEMBER_LENGTH} characters`;
    }
  }
  return undefined;
}

/** Why `jwks` cannot be registered, or `undefined` when it can. */
export function jwksProblem(jwks: { readonly keys: readonly PublicJwk[] }): string | undefined {
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0 || jwks.keys.length > MAX_CLIENT_KEYS)
    return `must hold 1 to ${MAX_CLIENT_KEYS} keys`;
  for (const [index, key] of jwks.keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `keys.${index} must be a JWK object`;
    const problem = memberProblem(key, index);
    if (problem !== undefined) return problem;
  }
  if (new TextEncoder().encode(JSON.stringify({ keys: jwks.keys })).length > MAX_JWKS_BYTES)
    return `must be at most ${MAX_JWKS_BYTES} bytes`;
  return undefined;
}

/**
 * The scopes a token request gets (RFC 6749 §3.3): all of the client's when it asks for none,
 * else exactly those it asks for — `undefined` when one of them is not the client's.
 */
export function grantedScopes(clientScopes: readonly string[], requested: string | undefined): readonly string[] | undefined {
  if (requested === undefined || requested.trim() === '') return clientScopes;
  const asked = [...new Set(requested.split(' ').filter((scope) => scope !== ''))];
  return asked.every((scope) => clientScopes.includes(scope)) ? asked.sort() : undefined;
}

/** A client as the API and the CLI show it: never its secret nor its keys. */
export interface ServiceClientView {
  readonly client_id: string;
  readonly name: string;
  readonly org: string;
  readonly auth_method: string;
  readonly scopes: string[];
  readonly audiences: string[];
  readonly created_by: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export function serviceClientView(client: ServiceClient): ServiceClientView {
  return {
    client_id: client.id,
    name: client.name,
    org: client.orgId,
    auth_method: client.authMethod,
    scopes: [...client.scopes],
    audiences: [...client.audiences],
    created_by: client.createdBy,
    created_at: new Date(client.createdAt).toISOString(),
    revoked_at: client.revokedAt === null ? null : new Date(client.revokedAt).toISOString(),
  };
}

/** At most this many audiences per client. */
export const MAX_CLIENT_AUDIENCES = 10;

/**
 * Why `audience` cannot be one of a client's audiences, or `undefined`: RFC 8707 §2, an absolute
 * URI without a fragment; https, or http on loopback (a development app).
 */
export function audienceProblem(audience: string): string | undefined {
  let url: URL;
  try {
    url = new URL(audience);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash !== '' || audience.includes('#')) return 'has a fragment (RFC 8707 §2)';
  if (url.username !== '' || url.password !== '') return 'carries credentials';
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be https (http only on loopback)';
  return undefined;
}
