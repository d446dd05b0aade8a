/**
 * Rampart access tokens: JWTs in the RFC 9068 profile, signed by the keyring's newest active key
 * and verified only against the keyring. The rules of RFC 8725 are enforced here, in one place:
 * the key comes from our keyring by `kid` and from nowhere else (no `jku`, `x5u`, `jwk`, `x5c`);
 * the algorithm must be that key's own; the signature is checked before any claim is read; every
 * failure is one of two codes, and jose's message stays in `cause` for the log.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS, type AccessTokenClaims } from '../domain/access-token.js';
import { DomainError, ERROR_CATALOG } from '../../../kernel/domain/errors.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';
import { SIGNING_ALGORITHMS } from '../domain/signing-key.js';
import type { CryptoClock } from '../../../kernel/crypto/crypto-clock.js';
import type { Keyring } from './keyring.js';

/** RFC 9068 §2.1: the `typ` header of an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Longer input is refused before it is parsed or hashed; our tokens are well under 2 KiB. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/** What the caller decides about a token; the rest (times, `jti`) is the signer's. */
export interface AccessTokenRequest {
  readonly issuer: string;
  /** The user id or service client id (`sub`). */
  readonly subject: string;
  /** Explicit, never defaulted (RFC 8725 §3.9, RFC 9068 §2.2). */
  readonly audience: string | readonly string[];
  /** The session (`sid`). */
  readonly sessionId: string;
  readonly scope?: string;
  readonly email?: string;
  readonly org?: string;
  /** RFC 9068 §2.2 `client_id`: set on tokens of OAuth service clients only. */
  readonly clientId?: string;
  /** Lifetime in seconds, 1 … 900; 900 by default. */
  readonly ttlSeconds?: number;
}

export interface SignedAccessToken {
  /** The compact JWS; reveal it only to put it in the response. */
  readonly token: Secret<string>;
  readonly kid: string;
  readonly claims: AccessTokenClaims;
  /** Seconds until `exp` (the login answer's `expires_in`). */
  readonly expiresIn: number;
}

export interface VerifyAccessTokenOptions {
  /** Compared exactly (RFC 7519 §4.1.1). */
  readonly issuer: string;
  /** Must be one of the token's `aud` values (RFC 7519 §4.1.3). */
  readonly audience: string;
  readonly keyring: Pick<Keyring, 'verificationKey'>;
  readonly clock: CryptoClock;
}

/** A token that passed every check, and the key that signed it. */
export interface VerifiedAccessToken {
  readonly kid: string;
  readonly claims: AccessTokenClaims;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function requireAudience(value: unknown): string | readonly string[] {
  if (typeof value === 'string') return requireText(value, 'audience');
  if (!Array.isArray(value) || value.length === 0) throw new TypeError('audience must be a non-empty string or list');
  return Object.freeze(value.map((member) => requireText(member, 'audience')));
}

/** Signs an access token with the keyring's newest active key. Refuses a TTL over 900 s. */
export async function signAccessToken(request: AccessTokenRequest, keyring: Keyring): Promise<SignedAccessToken> {
  const ttl = request.ttlSeconds ?? MAX_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_ACCESS_TOKEN_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_ACCESS_TOKEN_TTL_SECONDS}`);
  }
  const key = keyring.signingKey();
  const iat = Math.floor(keyring.now() / 1000);
  const claims: AccessTokenClaims = Object.freeze({
    iss: requireText(request.issuer, 'issuer'),
    sub: requireText(request.subject, 'subject'),
    aud: requireAudience(request.audience),
    exp: iat + ttl,
    iat,
    nbf: iat,
    jti: randomBytes(16).toString('base64url'),
    sid: requireText(request.sessionId, 'sessionId'),
    ...(request.scope === undefined ? {} : { scope: requireString(request.scope, 'scope') }),
    ...(request.email === undefined ? {} : { email: requireText(request.email, 'email') }),
    ...(request.org === undefined ? {} : { org: requireText(request.org, 'org') }),
    ...(request.clientId === undefined ? {} : { client_id: requireText(request.clientId, 'clientId') }),
  });
  const payload: JWTPayload = { ...claims, aud: typeof claims.aud === 'string' ? claims.aud : [...claims.aud] };
  // RFC 7515 §4.1.4 `kid` names the key; RFC 9068 §2.1 `typ: at+jwt` keeps it apart from ID tokens.
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .sign(key.privateKey.reveal());
  return Object.freeze({ token: secret(token), kid: key.kid, claims, expiresIn: ttl });
}

/** Header parameters our signer writes; a token carrying any other was not made by us. */
const HEADER_PARAMETERS = new Set(['alg', 'kid', 'typ']);
/** RFC 7519 §4.1 / RFC 9068 §2.2: present in every token we sign. */
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sid'];

/**
 * Resolves the verification key from our keyring only. RFC 8725 §3.1: the algorithm is the key's
 * own, never the one the header asks for; §3.10 (and RFC 7515 §4.1.2–4.1.6): `jku`, `x5u`, `jwk`
 * and `x5c` are never dereferenced or trusted — a token carrying them is refused outright.
 */
function keyResolver(keyring: VerifyAccessTokenOptions['keyring']) {
  return (header: JWTHeaderParameters) => {
    for (const name of Object.keys(header)) {
      if (!HEADER_PARAMETERS.has(name)) throw new Error(`header parameter "${name}" is not accepted`);
    }
    if (typeof header.kid !== 'string' || header.kid.length > 128) throw new Error('kid is missing or malformed');
    const key = keyring.verificationKey(header.kid);
    if (key === undefined) throw new Error('kid names no verifying key');
    if (header.alg !== key.alg) throw new Error(`alg ${String(header.alg)} is not the key's algorithm ${key.alg}`);
    return key.publicKey;
  };
}

function optionalText(payload: JWTPayload, name: string): Record<string, string> {
  const value = payload[name];
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new Error(`claim ${name} is not a string`);
  return { [name]: value };
}

/** Copies the claims we know, checking their types; other claims do not pass through. */
function toClaims(payload: JWTPayload): AccessTokenClaims {
  const { iss, sub, aud, exp, iat, nbf, jti } = payload;
  const sid = payload['sid'];
  for (const [name, value] of Object.entries({ iss, sub, jti, sid })) {
    if (typeof value !== 'string' || value.length === 0) throw new Error(`claim ${name} is not a non-empty string`);
  }
  if (typeof exp !== 'number' || typeof iat !== 'number' || typeof nbf !== 'number') throw new Error('time claims are not numbers');
  if (exp - iat > MAX_ACCESS_TOKEN_TTL_SECONDS) throw new Error('token lifetime exceeds the maximum');
  const audience = typeof aud === 'string' ? aud : Object.freeze([...(aud ?? [])]);
  return Object.freeze({
    iss: iss as string,
    sub: sub as string,
    aud: audience,
    exp,
    iat,
    nbf,
    jti: jti as string,
    sid: sid as string,
    ...optionalText(payload, 'scope'),
    ...optionalText(payload, 'email'),
    ...optionalText(payload, 'org'),
    ...optionalText(payload, 'client_id'),
  });
}

/**
 * The `iss` a compact JWT claims, read WITHOUT verification — for routing only (whose token is it
 * to judge: ours, or a trusted external issuer's), never for a decision. `undefined` when the
 * payload does not decode or names no string issuer.
 */
export function claimedIssuer(token: string): string | undefined {
  if (typeof token !== 'string' || token.length > MAX_ACCESS_TOKEN_LENGTH) return undefined;
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The caller sees a code and the catalog's title; the reason goes to the log through `cause`. */
function refusal(error: unknown): DomainError {
  // RFC 7519 §4.1.4: past `exp` (beyond tolerance) — and only after the signature was good.
  const code = error instanceof errors.JWTExpired ? 'token_expired' : 'token_invalid';
  return new DomainError(code, ERROR_CATALOG[code], { cause: error });
}

/**
 * Verifies an access token. Resolves with its claims, or rejects with a `DomainError` whose code
 * is `token_expired` or `token_invalid` (never a jose message in `detail`).
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<VerifiedAccessToken> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw refusal(new Error('token is empty, not a string, or too long'));
  }
  try {
    // jose checks the signature (RFC 7515 §5.2) before it parses or validates the claims.
    const { payload, protectedHeader } = await jwtVerify(token, keyResolver(options.keyring), {
      algorithms: [...SIGNING_ALGORITHMS], // RFC 8725 §3.1–3.2: `none` and HMAC are never accepted
      typ: ACCESS_TOKEN_TYPE, // RFC 9068 §4 step 1, RFC 8725 §3.11
      issuer: options.issuer, // RFC 9068 §4 step 3
      audience: options.audience, // RFC 9068 §4 step 4, RFC 8725 §3.9
      requiredClaims: REQUIRED_CLAIMS,
      maxTokenAge: MAX_ACCESS_TOKEN_TTL_SECONDS, // refuses an `iat` in the future as well
      clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(options.clock.now()),
    });
    return Object.freeze({ kid: protectedHeader.kid as string, claims: toClaims(payload) });
  } catch (error) {
    throw refusal(error);
  }
}
