/**
 * The access-token keyring: which key signs, which keys verify, what the JWKS publishes.
 *
 * Rotation never breaks a request: `rotate()` adds a new active key and moves the previous active
 * key to `retiring`, which still verifies and is still published until `retire_after` — set at
 * least one token lifetime (plus clock tolerance) ahead, so every token it signed has expired by
 * then. States are read through the clock on every lookup, so a key retires on time even if
 * nobody calls {@link Keyring.sweep}; `sweep` only reports the records a store should update.
 *
 * Lookups are by `kid` in a Map and nothing else: a `kid` is never a path, a query or a URL.
 */
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../domain/access-token.js';
import {
  isSigningAlgorithm,
  isVerifyingState,
  signingKeyStateAt,
  type Jwk,
  type SigningAlgorithm,
  type SigningKeyRecord,
  type SigningKeyState,
} from '../domain/signing-key.js';
import type { CryptoKey } from 'jose';
import type { CryptoClock } from '../../../kernel/crypto/crypto-clock.js';
import { fromRecord, generateSigningKey, toRecord, withState, type SigningKey } from './signing-key.js';

/** The shortest safe retirement delay: the longest token lifetime plus clock tolerance. */
export const MIN_RETIRE_AFTER_SECONDS = MAX_ACCESS_TOKEN_TTL_SECONDS + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS;
/** One hour: relying parties that cache our JWKS see the new key long before the old one goes. */
export const DEFAULT_RETIRE_AFTER_SECONDS = 3600;

export interface KeyringOptions {
  readonly clock: CryptoClock;
  /** The algorithm of keys made by {@link Keyring.rotate}; EdDSA (Ed25519) by default. */
  readonly algorithm?: SigningAlgorithm;
  /** How long a replaced key keeps verifying; at least {@link MIN_RETIRE_AFTER_SECONDS}. */
  readonly retireAfterSeconds?: number;
}

/** A key as the verifier needs it: public only. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicKey: CryptoKey;
}

/** RFC 7517 §5: a JWK Set of public keys, each with `kid`, `alg` and `use: "sig"`. */
export interface JsonWebKeySet {
  readonly keys: readonly Jwk[];
}

/** What a rotation changed, for the caller to persist (`save` the added key, `update` the rest). */
export interface KeyringRotation {
  readonly added: SigningKeyRecord;
  readonly retiring: readonly SigningKeyRecord[];
}

export class Keyring {
  readonly #clock: CryptoClock;
  readonly #algorithm: SigningAlgorithm;
  readonly #retireAfterMs: number;
  readonly #keys = new Map<string, SigningKey>();

  /** An empty keyring (no key signs until {@link rotate}), or one holding `keys`. */
  constructor(options: KeyringOptions, keys: readonly SigningKey[] = []) {
    const algorithm = options.algorithm ?? 'EdDSA';
    if (!isSigningAlgorithm(algorithm)) throw new TypeError(`algorithm must be one of EdDSA, ES256, RS256`);
    const retireAfterSeconds = options.retireAfterSeconds ?? DEFAULT_RETIRE_AFTER_SECONDS;
    // A key must outlive every token it signed, or valid tokens start failing at retirement.
    if (!Number.isFinite(retireAfterSeconds) || retireAfterSeconds < MIN_RETIRE_AFTER_SECONDS) {
      throw new RangeError(`retireAfterSeconds must be a finite number ≥ ${MIN_RETIRE_AFTER_SECONDS}`);
    }
    this.#clock = options.clock;
    this.#algorithm = algorithm;
    this.#retireAfterMs = retireAfterSeconds * 1000;
    for (const key of keys) {
      if (this.#keys.has(key.kid)) throw new TypeError(`duplicate signing key id ${key.kid}`);
      this.#keys.set(key.kid, key);
    }
  }

  /** Loads the keys a store holds (each checked by {@link fromRecord}). */
  static async fromRecords(records: readonly SigningKeyRecord[], options: KeyringOptions): Promise<Keyring> {
    return new Keyring(options, await Promise.all(records.map((record) => fromRecord(record))));
  }

  get algorithm(): SigningAlgorithm {
    return this.#algorithm;
  }

  /** The keyring's clock reading (ms); the signer dates tokens with it. */
  now(): number {
    return this.#clock.now();
  }

  #stateOf(key: SigningKey, now: number): SigningKeyState {
    return signingKeyStateAt(key.state, key.retireAfter, now);
  }

  /**
   * Adds a new active key (of `algorithm`, by default the keyring's) and moves every active key to
   * `retiring`. Keys already retiring keep their own `retire_after`.
   */
  async rotate(algorithm: SigningAlgorithm = this.#algorithm): Promise<KeyringRotation> {
    const added = await generateSigningKey(algorithm, this.#clock.now());
    // Read the time after the await: the demotion and its deadline are one synchronous step.
    const now = this.#clock.now();
    const retiring: SigningKeyRecord[] = [];
    for (const key of this.#keys.values()) {
      if (this.#stateOf(key, now) !== 'active') continue;
      const demoted = withState(key, 'retiring', now + this.#retireAfterMs);
      this.#keys.set(key.kid, demoted);
      retiring.push(toRecord(demoted));
    }
    this.#keys.set(added.kid, added);
    return Object.freeze({ added: toRecord(added), retiring: Object.freeze(retiring) });
  }

  /**
   * Retires a key at once (its private key leaked): its tokens are refused from now on, and it
   * leaves the JWKS. Returns the record to persist. Throws on an unknown kid.
   */
  retire(kid: string): SigningKeyRecord {
    const key = this.#keys.get(kid);
    if (key === undefined) throw new RangeError('unknown signing key id');
    const now = this.#clock.now();
    const retired = this.#stateOf(key, now) === 'retired' ? key : withState(key, 'retired', now);
    this.#keys.set(kid, retired);
    return toRecord(retired);
  }

  /** Moves retiring keys whose time has come to `retired`; returns the records to persist. */
  sweep(): SigningKeyRecord[] {
    const now = this.#clock.now();
    const changed: SigningKeyRecord[] = [];
    for (const key of this.#keys.values()) {
      if (key.state === 'retiring' && this.#stateOf(key, now) === 'retired') {
        const retired = withState(key, 'retired', key.retireAfter);
        this.#keys.set(key.kid, retired);
        changed.push(toRecord(retired));
      }
    }
    return changed;
  }

  /**
   * The key that signs: the newest active one. Throws when there is none (fail closed: issuing
   * tokens nobody can verify, or with a retired key, is worse than refusing to log in).
   */
  signingKey(): SigningKey {
    const now = this.#clock.now();
    let newest: SigningKey | undefined;
    for (const key of this.#keys.values()) {
      if (this.#stateOf(key, now) !== 'active') continue;
      if (newest === undefined || key.createdAt > newest.createdAt || (key.createdAt === newest.createdAt && key.kid > newest.kid)) {
        newest = key;
      }
    }
    if (newest === undefined) throw new Error('no active access-token signing key: rotate the keyring first');
    return newest;
  }

  /** The public key for `kid` if it still verifies (active or retiring), else `undefined`. */
  verificationKey(kid: string): VerificationKey | undefined {
    const key = this.#keys.get(kid);
    if (key === undefined || !isVerifyingState(this.#stateOf(key, this.#clock.now()))) return undefined;
    return { kid: key.kid, alg: key.alg, publicKey: key.publicKey };
  }

  /** Whether tokens signed by `kid` are still accepted. One Map lookup and a time comparison. */
  isVerifying(kid: string): boolean {
    return this.verificationKey(kid) !== undefined;
  }

  /** The JWKS (`/.well-known/jwks.json`): active and retiring keys, newest first, public members only. */
  jwks(): JsonWebKeySet {
    const now = this.#clock.now();
    const keys = [...this.#keys.values()]
      .filter((key) => isVerifyingState(this.#stateOf(key, now)))
      .sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? 1 : -1))
      .map((key) => Object.freeze({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }));
    return Object.freeze({ keys: Object.freeze(keys) });
  }

  /** Every key as a record, as last recorded (call {@link sweep} first to fold in retirements). */
  records(): SigningKeyRecord[] {
    return [...this.#keys.values()].map(toRecord);
  }
}
