/**
 * The signing keyring (issue 16 item 1), the {@link Signing} facade: deployment-wide Ed25519 keys
 * per purpose, one active (the newest unretired key), the retired ones verifying until the end of
 * their window, seeds wrapped by the secrets' KEK.
 *
 * - **First use creates the key**, audited (`signing.key.create`, entry first); two instances
 *   racing both publish a key, and the newest signs.
 * - **Rotation** is audited (`signing.key.rotate`) and one store transaction. Other instances see
 *   the new key at their next reload ({@link RELOAD_MS}), or at once when asked to verify a key id
 *   they do not know yet; until then they keep signing with the retired key, which verifies.
 * - **Verification fails closed**: an unknown id, another purpose's key, a time outside the key's
 *   window or a bad signature is `false`, never a throw.
 * - Unwrapped seeds live only as Ed25519Keys in memory; a seed that fails its integrity check is
 *   never used (the sign fails with `secret_integrity_failed`).
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { secret } from '../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { randomToken } from '../../kernel/crypto/random.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import {
  type Ed25519Key,
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519,
} from '../crypto/ed25519-key.js';
import { keyValidAt, signingKeyAad, SIGNING_PURPOSES, type SigningKeyRecord, type SigningPurpose } from '../domain/signing-key.js';
import type { SeedSealer } from '../ports/seed-sealer.js';
import type { SigningKeyStore } from '../ports/signing-key-store.js';

/** How often an instance rereads the keyring (another instance may have rotated). */
export const RELOAD_MS = 30_000;
/** An unknown key id triggers a reread at most this often (a flood of made-up ids costs one query a second). */
const MISS_RELOAD_MS = 1_000;

export interface KeyringParts {
  readonly store: SigningKeyStore;
  readonly sealer: SeedSealer;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Ms a retired key keeps verifying. */
  readonly retiredWindowMs: number;
}

interface LoadedKey {
  readonly record: SigningKeyRecord;
  readonly publicKey: Ed25519Key;
}

/** A JWKS member of one key (RFC 7517 §4, RFC 8037 §2), with its purpose and validity window. */
export type PublishedKey = Record<string, unknown>;

export class Keyring {
  readonly #p: KeyringParts;
  #keys: readonly LoadedKey[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;
  #missAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;
  readonly #private = new Map<string, Promise<Ed25519Key>>();
  readonly #creating = new Map<SigningPurpose, Promise<LoadedKey>>();

  constructor(parts: KeyringParts) {
    this.#p = parts;
  }

  /** Signs `bytes` with the active key of `purpose` (created on first use). */
  async sign(purpose: SigningPurpose, bytes: Uint8Array): Promise<{ readonly keyId: string; readonly signature: Buffer }> {
    const key = await this.activeKey(purpose);
    const privateKey = await this.#privateKey(key.record);
    return { keyId: key.record.id, signature: ed25519Sign(privateKey, bytes) };
  }

  /** True when `keyId` is a published key of `purpose`, valid at `at`, and `signature` verifies over `bytes`. */
  async verify(purpose: SigningPurpose, keyId: string, bytes: Uint8Array, signature: Uint8Array, at?: number): Promise<boolean> {
    const key = await this.find(keyId);
    if (key === undefined || key.record.purpose !== purpose) return false;
    if (!keyValidAt(key.record, at ?? this.#p.clock.now())) return false;
    return ed25519Verify(key.publicKey, bytes, signature);
  }

  /** The published key `keyId` (any purpose), rereading the keyring once if it is not known yet. */
  async find(keyId: string): Promise<LoadedKey | undefined> {
    await this.#fresh();
    let key = this.#keys.find((candidate) => candidate.record.id === keyId);
    const now = this.#p.clock.now();
    if (key === undefined && now - this.#missAt >= MISS_RELOAD_MS) {
      this.#missAt = now;
      await this.#reload();
      key = this.#keys.find((candidate) => candidate.record.id === keyId);
    }
    return key;
  }

  /** The JWKS of both purposes: every key, active and retired, oldest first. */
  async jwks(): Promise<{ readonly keys: readonly PublishedKey[] }> {
    await this.#fresh();
    return { keys: this.#keys.map((key) => publishedKey(key.record)) };
  }

  /** Makes a new key of `purpose` active; the previous one retires and verifies for the configured window. */
  async rotate(purpose: SigningPurpose): Promise<{ readonly keyId: string }> {
    const key = await this.#newKey(purpose, 'signing.key.rotate');
    return { keyId: key.record.id };
  }

  /** The key that signs for `purpose` now: the newest unretired one, made when there is none. */
  async activeKey(purpose: SigningPurpose): Promise<LoadedKey> {
    await this.#fresh();
    const now = this.#p.clock.now();
    const active = this.#keys.filter(
      (key) => key.record.purpose === purpose && key.record.retiredAt === null && key.record.notBefore <= now,
    );
    const newest = active.at(-1);
    if (newest !== undefined) return newest;
    let pending = this.#creating.get(purpose);
    if (pending === undefined) {
      pending = this.#newKey(purpose, 'signing.key.create').finally(() => this.#creating.delete(purpose));
      this.#creating.set(purpose, pending);
    }
    return pending;
  }

  /** Makes a key of `purpose` active; `action` is `signing.key.create` (first use) or `signing.key.rotate`. */
  async #newKey(purpose: SigningPurpose, action: AuditAction): Promise<LoadedKey> {
    if (!SIGNING_PURPOSES.includes(purpose)) throw new DomainError('validation_failed', 'purpose: must be artifacts or licences');
    const id = `${purpose === 'artifacts' ? 'art' : 'lic'}_${randomToken(16)}`;
    const now = this.#p.clock.now();
    return auditedChange(
      this.#p.audit,
      {
        org: SYSTEM_ORG_SLUG,
        actor: { type: 'system', id: null },
        action,
        resource: `signing-key:${id}`,
        result: 'success',
        sourceIp: null,
        requestId: null,
        details: { purpose, retired_key_window_seconds: Math.floor(this.#p.retiredWindowMs / 1000) },
      },
      async () => {
        const { seed, publicKey } = generateEd25519();
        const sealed = secret(seed);
        try {
          const kekId = await this.#p.sealer.activeKek();
          const record: SigningKeyRecord = {
            id,
            purpose,
            publicKey,
            kekId,
            wrappedSeed: await this.#p.sealer.wrap(kekId, sealed, signingKeyAad(id, purpose)),
            notBefore: now,
            retiredAt: null,
            verifyUntil: null,
            createdAt: now,
          };
          await this.#p.store.add(
            record,
            action === 'signing.key.rotate' ? { at: now, verifyUntil: now + this.#p.retiredWindowMs } : undefined,
          );
          this.#private.set(id, Promise.resolve(ed25519PrivateKey(seed, publicKey)));
        } finally {
          seed.fill(0);
        }
        await this.#reload();
        const made = this.#keys.find((key) => key.record.id === id);
        if (made === undefined) throw new DomainError('service_unavailable', 'The new signing key could not be read back');
        return made;
      },
    );
  }

  async #privateKey(record: SigningKeyRecord): Promise<Ed25519Key> {
    let pending = this.#private.get(record.id);
    if (pending === undefined) {
      pending = this.#unwrapCurrent(record);
      this.#private.set(record.id, pending);
      // A failed unwrap is not cached: the next sign tries again (and fails again if the row is bad).
      pending.catch(() => this.#private.delete(record.id));
    }
    return pending;
  }

  /**
   * Unwraps `record`'s seed; when that fails and the keyring now names another KEK for the key (a
   * KEK rotation rewrapped it since the last reload, and may have destroyed the old KEK), once
   * more with the fresh record.
   */
  async #unwrapCurrent(record: SigningKeyRecord): Promise<Ed25519Key> {
    try {
      return await this.#unwrap(record);
    } catch (error) {
      await this.#reload();
      const fresh = this.#keys.find((key) => key.record.id === record.id)?.record;
      if (fresh === undefined || fresh.kekId === record.kekId) throw error;
      return this.#unwrap(fresh);
    }
  }

  async #unwrap(record: SigningKeyRecord): Promise<Ed25519Key> {
    let seed;
    try {
      seed = await this.#p.sealer.unwrap(record.kekId, record.wrappedSeed, signingKeyAad(record.id, record.purpose));
    } catch (cause) {
      throw new DomainError('secret_integrity_failed', `signing key ${record.id}: the sealed private key failed its integrity check`, {
        cause,
      });
    }
    try {
      return ed25519PrivateKey(seed.reveal(), record.publicKey);
    } catch (cause) {
      throw new DomainError('secret_integrity_failed', `signing key ${record.id}: the private key does not match its public key`, {
        cause,
      });
    } finally {
      seed.reveal().fill(0);
    }
  }

  async #fresh(): Promise<void> {
    if (this.#p.clock.now() - this.#loadedAt < RELOAD_MS) return;
    await this.#reload();
  }

  #reload(): Promise<void> {
    this.#loading ??= this.#p.store
      .list()
      .then((records) => {
        this.#keys = records.map((record) => ({ record, publicKey: ed25519PublicKey(record.publicKey) }));
        this.#loadedAt = this.#p.clock.now();
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The public JWK of a key: allow-listed public members only, never the seed. */
export function publishedKey(record: SigningKeyRecord): PublishedKey {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: record.publicKey.toString('base64url'),
    kid: record.id,
    use: 'sig',
    alg: 'EdDSA',
    purpose: record.purpose,
    status: record.retiredAt === null ? 'active' : 'retired',
    not_before: iso(record.notBefore),
    ...(record.retiredAt === null ? {} : { retired_at: iso(record.retiredAt) }),
    ...(record.verifyUntil === null ? {} : { verify_until: iso(record.verifyUntil) }),
  };
}
