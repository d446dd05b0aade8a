/**
 * One access-token signing key: its key material as jose CryptoKeys, and the conversion to and
 * from the record a store keeps. A record read back is checked before use (algorithm and key type
 * agree, the public JWK has only public members, the private key signs what the public key
 * verifies): a corrupt or swapped key fails at load, not on the first request.
 */
import { randomBytes } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { isSigningAlgorithm, type Jwk, type SigningAlgorithm, type SigningKeyRecord, type SigningKeyState } from '../domain/signing-key.js';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

/** A signing key in memory. Immutable: a state change makes a new value. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** The state as last recorded; the keyring derives the state at a given time from it. */
  readonly state: SigningKeyState;
  readonly createdAt: number;
  readonly retireAfter: number | null;
  readonly publicKey: CryptoKey;
  /** The public JWK, public members only (see {@link PUBLIC_MEMBERS}). */
  readonly publicJwk: Jwk;
  readonly privateKey: Secret<CryptoKey>;
  readonly privateJwk: Secret<Jwk>;
}

/** The key type and curve each algorithm needs (RFC 8037 §2, RFC 7518 §3.3–3.4, §6). */
const KEY_TYPE: Readonly<Record<SigningAlgorithm, { readonly kty: string; readonly crv?: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  RS256: { kty: 'RSA' },
};

/**
 * The members a public JWK may carry, by key type. Anything else (above all `d`, `p`, `q`, `dp`,
 * `dq`, `qi`) is dropped: the JWKS is built from an allow-list, never by deleting private members.
 */
export const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['kty', 'crv', 'x'],
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
};

const PRIVATE_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['d'],
  EC: ['d'],
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi'],
};

/** A kid we mint is 22 base64url characters; a stored one is held to the same alphabet. */
const KID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A new random key id: base64url of 16 random bytes. */
export function newKid(): string {
  return randomBytes(16).toString('base64url');
}

function pick(jwk: JWK | Jwk, members: readonly string[], what: string): Jwk {
  const out: Record<string, string> = {};
  for (const member of members) {
    const value: unknown = (jwk as Record<string, unknown>)[member];
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${what}: JWK member "${member}" is missing`);
    out[member] = value;
  }
  return Object.freeze(out);
}

function publicPart(jwk: JWK | Jwk, alg: SigningAlgorithm, what: string): Jwk {
  const { kty, crv } = KEY_TYPE[alg];
  if (jwk.kty !== kty || (crv !== undefined && jwk.crv !== crv)) throw new TypeError(`${what}: the key type does not match ${alg}`);
  return pick(jwk, PUBLIC_MEMBERS[kty] ?? [], what);
}

function privatePart(jwk: JWK | Jwk, alg: SigningAlgorithm, what: string): Jwk {
  const kty = KEY_TYPE[alg].kty;
  return Object.freeze({ ...publicPart(jwk, alg, what), ...pick(jwk, PRIVATE_MEMBERS[kty] ?? [], what) });
}

async function importKey(jwk: Jwk, alg: SigningAlgorithm, what: string): Promise<CryptoKey> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ ...jwk }, alg, { extractable: false });
  } catch (cause) {
    throw new TypeError(`${what}: the key cannot be imported`, { cause });
  }
  if (key instanceof Uint8Array) throw new TypeError(`${what}: not an asymmetric key`);
  return key;
}

/** Proves the pair belongs together: a swapped or corrupted private key is refused at load. */
async function assertPair(privateKey: CryptoKey, publicKey: CryptoKey, alg: SigningAlgorithm, what: string): Promise<void> {
  const probe = new TextEncoder().encode('rampart signing key self-test');
  const jws = await new CompactSign(probe).setProtectedHeader({ alg }).sign(privateKey);
  try {
    await compactVerify(jws, publicKey, { algorithms: [alg] });
  } catch (cause) {
    throw new TypeError(`${what}: the private key does not match the public key`, { cause });
  }
}

/**
 * Generates a new `active` key. EdDSA keys are Ed25519 (RFC 8037), ES256 P-256, RS256 2048-bit
 * RSA (RFC 7518 §3.3 minimum, which jose enforces on use).
 */
export async function generateSigningKey(alg: SigningAlgorithm, now: number): Promise<SigningKey> {
  if (!isSigningAlgorithm(alg)) throw new TypeError(`unsupported signing algorithm: ${String(alg)}`);
  const pair = await generateKeyPair(alg, { extractable: true });
  const what = `new ${alg} key`;
  const privateJwk = privatePart(await exportJWK(pair.privateKey), alg, what);
  return Object.freeze({
    kid: newKid(),
    alg,
    state: 'active',
    createdAt: now,
    retireAfter: null,
    publicKey: pair.publicKey,
    publicJwk: publicPart(privateJwk, alg, what),
    privateKey: secret(pair.privateKey),
    privateJwk: secret(privateJwk),
  });
}

function assertRecordShape(record: SigningKeyRecord): void {
  const what = `signing key ${JSON.stringify(String(record.kid).slice(0, 64))}`;
  if (typeof record.kid !== 'string' || !KID_PATTERN.test(record.kid)) throw new TypeError(`${what}: kid is not a base64url id`);
  if (!isSigningAlgorithm(record.alg)) throw new TypeError(`${what}: unsupported alg`);
  if (!Number.isFinite(record.created_at)) throw new TypeError(`${what}: created_at is not a finite time`);
  const stateOk =
    (record.state === 'active' && record.retire_after === null) ||
    ((record.state === 'retiring' || record.state === 'retired') && Number.isFinite(record.retire_after));
  if (!stateOk) throw new TypeError(`${what}: state ${String(record.state)} does not fit retire_after`);
}

/** Loads a stored key, checking it first (see the file header). Throws a `TypeError` naming the kid. */
export async function fromRecord(record: SigningKeyRecord): Promise<SigningKey> {
  assertRecordShape(record);
  const what = `signing key ${record.kid}`;
  const publicJwk = publicPart(record.public_jwk, record.alg, what);
  if (Object.keys(record.public_jwk).some((member) => !Object.hasOwn(publicJwk, member))) {
    throw new TypeError(`${what}: public_jwk carries members that are not public`);
  }
  const privateJwk = privatePart(record.private_jwk.reveal(), record.alg, what);
  for (const [member, value] of Object.entries(publicJwk)) {
    if (privateJwk[member] !== value) throw new TypeError(`${what}: private_jwk and public_jwk disagree on "${member}"`);
  }
  const publicKey = await importKey(publicJwk, record.alg, what);
  const privateKey = await importKey(privateJwk, record.alg, what);
  await assertPair(privateKey, publicKey, record.alg, what);
  return Object.freeze({
    kid: record.kid,
    alg: record.alg,
    state: record.state,
    createdAt: record.created_at,
    retireAfter: record.retire_after,
    publicKey,
    publicJwk,
    privateKey: secret(privateKey),
    privateJwk: secret(privateJwk),
  });
}

/** The record to store for a key. */
export function toRecord(key: SigningKey): SigningKeyRecord {
  return Object.freeze({
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    created_at: key.createdAt,
    retire_after: key.retireAfter,
    public_jwk: key.publicJwk,
    private_jwk: key.privateJwk,
  });
}

/** The same key in another state (the key material is shared, never copied out of its Secret). */
export function withState(key: SigningKey, state: SigningKeyState, retireAfter: number | null): SigningKey {
  return Object.freeze({ ...key, state, retireAfter });
}
