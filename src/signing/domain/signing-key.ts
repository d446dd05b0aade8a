/**
 * The signing keyring's records (issue 16 item 1): Ed25519 keys of one purpose — `artifacts` (DSSE
 * envelopes) or `licences` (licence keys and activation tokens) — each active, then retired but
 * still verifying until the end of its window. Pure types and rules; no I/O.
 */

/** What a key signs. Keys of one purpose never verify the other's signatures. */
export type SigningPurpose = 'artifacts' | 'licences';

export const SIGNING_PURPOSES: readonly SigningPurpose[] = ['artifacts', 'licences'];

/** One key of the keyring as stored: the public half in clear, the private seed wrapped by the KEK. */
export interface SigningKeyRecord {
  /** `kid` in the JWKS and `keyid` in DSSE envelopes: `<purpose>-<random>`. */
  readonly id: string;
  readonly purpose: SigningPurpose;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** The KEK the private seed is wrapped under (secrets' KEK registry id). */
  readonly kekId: string;
  /** The seed wrapped by the KEK provider, AAD = `rampart-signing-key\0<id>\0<purpose>`. */
  readonly wrappedSeed: string;
  /** Valid from (ms). */
  readonly notBefore: number;
  /** Ms when a newer key replaced it; null while active. */
  readonly retiredAt: number | null;
  /** Ms until which its signatures verify; null while active. */
  readonly verifyUntil: number | null;
  readonly createdAt: number;
}

/** Whether `key` verifies a signature checked at `at`: published, not before its start, not after its window. */
export function keyValidAt(key: Pick<SigningKeyRecord, 'notBefore' | 'verifyUntil'>, at: number): boolean {
  return at >= key.notBefore && (key.verifyUntil === null || at <= key.verifyUntil);
}

/** The AAD that binds a wrapped seed to its key id and purpose: a seed copied to another row fails to unwrap. */
export function signingKeyAad(id: string, purpose: SigningPurpose): Buffer {
  return Buffer.from(`rampart-signing-key\0${id}\0${purpose}`, 'utf8');
}
