/**
 * The secret service (issue 7; test/fixtures/spec-api-v1.md, "Secrets"): named, versioned values of an org,
 * sealed with envelope encryption — AES-256-GCM under the org's data key, the data key wrapped by
 * the KEK (`secrets/ports/kek.ts`), which never lives in the database. The rest of Rampart keeps every field
 * it must encrypt here.
 *
 * - Data keys: one active per org, created on the first write; encryptions are reserved from the
 *   database in blocks ({@link RESERVATION_BLOCK}), and a key that reaches
 *   `DATA_KEY_MAX_ENCRYPTIONS` (2^30, NIST SP 800-38D §8.3 allows 2^32) is replaced. Unwrapped data
 *   keys are cached in memory, keyed by org and key id.
 * - Fail closed and tell: a value or wrapped key that fails authentication — or names a key that is
 *   not its org's — is `secret_integrity_failed` (409), a `secret.integrity_failed` audit entry
 *   (which the audit log's alert rules turn into a `security.alert` entry) and an error-level
 *   alert (`onAlert`). It is never returned, retried with another key or logged with its value.
 * - A reveal is audited before the value is returned; no value, key or ciphertext enters an entry.
 * - A write, a deletion and a `min_decryption_version` change record their entry first
 *   (`auditedChange`): when the log cannot record, nothing is stored. A write's entry names the
 *   version it makes; should a concurrent writer take that number, the write is not applied (a
 *   `failure` entry says so) and is tried again under a new entry.
 */
import { randomKey, randomToken } from '../../kernel/crypto/random.js';
import { DATA_KEY_MAX_ENCRYPTIONS, dataKeyAad, envelopeKeyId, openSecret, sealSecret } from '../crypto/envelope.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { isSecretName, SECRET_VALUE_MAX_BYTES, type DataKeyRecord, type SecretSummary } from '../domain/secret-record.js';
import { SecretIntegrityError } from '../domain/secret-integrity.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { KeyScope, SystemScope } from '../domain/system-scope.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { DataKeyStore, StaleVersion } from '../ports/data-key-store.js';
import type { KekProvider } from '../ports/kek.js';
import type { KekRegistry } from '../ports/kek-registry.js';
import type { SecretBackend } from '../ports/secret-backend.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';

/** Encryptions reserved from the database at a time (a crash wastes at most this many per org). */
export const RESERVATION_BLOCK = 1024;
/** Unwrapped data keys kept in memory before the cache is emptied. */
const KEY_CACHE_LIMIT = 10_000;

/** What `onAlert` is told: never a value, key or ciphertext. */
export interface SecretAlert {
  readonly kind: 'secret_integrity_failed';
  readonly orgId: string;
  readonly name: string;
  readonly version: number | undefined;
  readonly reason: string;
}

export interface SecretServiceOptions {
  /** The versions, the data keys and the KEK registry. */
  readonly backend: SecretBackend;
  readonly kek: KekProvider;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Raised on an integrity failure (the composition logs it at error level). */
  readonly onAlert: (alert: SecretAlert) => void;
  /** Encryptions per data key before it is replaced; tests lower it. */
  readonly maxEncryptionsPerDataKey?: number;
  readonly reservationBlock?: number;
}

interface Sealer {
  readonly id: string;
  readonly key: Secret<Buffer>;
  remaining: number;
}

export interface RevealedSecret {
  readonly value: Secret<string>;
  readonly version: number;
}

function newId(prefix: string): string {
  return `${prefix}_${randomToken(16)}`;
}

export class SecretService {
  readonly #o: SecretServiceOptions;
  readonly #secrets: SecretStore;
  readonly #dataKeys: DataKeyStore;
  readonly #registry: KekRegistry;
  readonly #max: number;
  readonly #block: number;
  readonly #keys = new Map<string, Secret<Buffer>>();
  readonly #sealers = new Map<string, Sealer>();
  readonly #refills = new Map<string, Promise<Sealer>>();

  constructor(options: SecretServiceOptions) {
    this.#o = options;
    this.#secrets = options.backend.secrets;
    this.#dataKeys = options.backend.dataKeys;
    this.#registry = options.backend.keks;
    this.#max = options.maxEncryptionsPerDataKey ?? DATA_KEY_MAX_ENCRYPTIONS;
    this.#block = Math.max(1, Math.min(options.reservationBlock ?? RESERVATION_BLOCK, this.#max));
  }

  /** Stores `value` as the next version of `name`; the new version. */
  async put(
    scope: TenantScope,
    name: string,
    value: Secret<string>,
    context: RequestContext | undefined,
  ): Promise<{ name: string; version: number }> {
    checkName(name);
    const plaintext = Buffer.from(value.reveal(), 'utf8');
    if (plaintext.length > SECRET_VALUE_MAX_BYTES) {
      throw new DomainError('validation_failed', `value: must be at most ${SECRET_VALUE_MAX_BYTES} bytes`, {
        extensions: { errors: [{ field: 'value', reason: `must be at most ${SECRET_VALUE_MAX_BYTES} bytes` }] },
      });
    }
    let version = 0;
    for (let attempt = 0; ; attempt += 1) {
      // The entry names the version this write makes; the store refuses it if another writer took that number.
      const expected = ((await this.#secrets.find(scope, name))?.version ?? 0) + 1;
      try {
        version = await auditedChange(
          this.#o.audit,
          this.#event(scope, 'secret.write', name, context, { details: { version: expected } }),
          async () => {
            // Key material (the org's first KEK and data key, a reserved block of encryptions) is
            // provisioned only once the entry is durable: a refused write leaves no trace.
            const sealer = await this.#sealer(scope);
            return this.#secrets.putVersion(scope, name, this.#o.clock.now(), (next) => {
              if (next !== expected) throw new DomainError('conflict', 'The secret was changed concurrently');
              return {
                dataKeyId: sealer.id,
                ciphertext: sealSecret(sealer.key.reveal(), sealer.id, { orgId: scope.orgId, name, version: next }, plaintext),
              };
            });
          },
        );
        break;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'conflict' || attempt >= 4) {
          plaintext.fill(0);
          throw error;
        }
        // A concurrent writer took the version, or the data key went away: retry with a fresh reservation.
        this.#sealers.delete(scope.orgId);
      }
    }
    plaintext.fill(0);
    return { name, version };
  }

  /** Names, versions and times: never values. */
  list(scope: TenantScope): Promise<readonly SecretSummary[]> {
    return this.#secrets.list(scope);
  }

  /**
   * The value of `version` (the newest by default), audited before it is returned. A request
   * reveals in its tenant scope; the system (a webhook worker signing a delivery) in a system scope.
   */
  async reveal(scope: KeyScope, name: string, version: number | undefined, context: RequestContext | undefined): Promise<RevealedSecret> {
    checkName(name);
    const summary = await this.#secrets.find(scope, name);
    const wanted = version ?? summary?.version;
    if (summary === undefined || wanted === undefined || wanted > summary.version || wanted < 1)
      throw new DomainError('not_found', 'No such secret or version');
    if (wanted < summary.minDecryptionVersion) {
      await this.#record(scope, 'secret.reveal', name, context, { reason: 'below_min_decryption_version', details: { version: wanted } });
      throw new DomainError(
        'conflict',
        `Versions below ${summary.minDecryptionVersion} of this secret may no longer be revealed (min_decryption_version)`,
      );
    }
    const stored = await this.#secrets.findVersion(scope, name, wanted);
    if (stored === undefined) throw new DomainError('not_found', 'No such secret or version');
    let clear: Buffer;
    try {
      if (envelopeKeyId(stored.ciphertext) !== stored.dataKeyId) throw new SecretIntegrityError('the ciphertext names another data key');
      const key = await this.#dataKey(scope, stored.dataKeyId);
      clear = openSecret(key.reveal(), { orgId: scope.orgId, name, version: wanted }, stored.ciphertext);
    } catch (error) {
      if (error instanceof SecretIntegrityError) return this.#integrityFailed(scope, name, wanted, context, error);
      throw error;
    }
    const value = secret(clear.toString('utf8'));
    clear.fill(0);
    await this.#record(scope, 'secret.reveal', name, context, { details: { version: wanted } });
    return { value, version: wanted };
  }

  /** Destroys every version's ciphertext and the secret; `not_found` when there is none. */
  async delete(scope: TenantScope, name: string, context: RequestContext | undefined): Promise<void> {
    checkName(name);
    if ((await this.#secrets.find(scope, name)) === undefined) throw new DomainError('not_found', 'No such secret');
    await auditedChange(this.#o.audit, this.#event(scope, 'secret.delete', name, context), async () => {
      if (!(await this.#secrets.delete(scope, name))) throw new DomainError('not_found', 'No such secret');
    });
  }

  /**
   * Refuses reveals of versions below `min` from now on (Vault KV `min_decryption_version`): in a
   * request's tenant scope, or in a system scope by the operator (`rampart secrets min-version`).
   */
  async setMinDecryptionVersion(
    scope: TenantScope | SystemScope,
    name: string,
    min: number,
    context: RequestContext | undefined,
  ): Promise<void> {
    checkMin(name, min);
    const event = this.#event(scope, 'secret.min_decryption_version', name, context, { details: { min_decryption_version: min } });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#secrets.setMinDecryptionVersion(scope, name, min, this.#o.clock.now()))) {
        throw new DomainError('not_found', 'No such secret, or it has fewer versions than that');
      }
    });
  }

  /**
   * Re-seals one version stored under a retired data key under its org's active data key
   * (`rampart secrets rewrap`, which passes the system scope on the version's org); false when it
   * changed meanwhile. An integrity failure is reported as on a reveal and the version is left as it is.
   */
  async rewrap(scope: SystemScope, version: StaleVersion): Promise<boolean> {
    if (scope.orgId !== version.orgId) throw new RangeError('the version belongs to another org');
    const binding = { orgId: version.orgId, name: version.name, version: version.version };
    let clear: Buffer;
    try {
      if (envelopeKeyId(version.ciphertext) !== version.dataKeyId) throw new SecretIntegrityError('the ciphertext names another data key');
      clear = openSecret((await this.#dataKey(scope, version.dataKeyId)).reveal(), binding, version.ciphertext);
    } catch (error) {
      if (error instanceof SecretIntegrityError) return this.#integrityFailed(scope, version.name, version.version, undefined, error);
      throw error;
    }
    const sealer = await this.#sealer(scope);
    const done = await this.#dataKeys.replaceVersion(version, {
      dataKeyId: sealer.id,
      ciphertext: sealSecret(sealer.key.reveal(), sealer.id, binding, clear),
    });
    clear.fill(0);
    return done;
  }

  /**
   * Retires the active data key of each org named (`rampart secrets rotate-data-keys` passes every
   * org of `DataKeyStore.orgsWithActive`, or one): new values go under fresh keys. The number retired.
   */
  async rotateDataKeys(scopes: readonly SystemScope[]): Promise<number> {
    let rotated = 0;
    for (const scope of scopes) {
      if (await this.#dataKeys.retireActive(scope)) rotated += 1;
      this.#sealers.delete(scope.orgId);
    }
    return rotated;
  }

  /** Forgets the unwrapped data keys held in memory. */
  forgetKeys(): void {
    for (const key of this.#keys.values()) key.reveal().fill(0);
    this.#keys.clear();
    this.#sealers.clear();
  }

  async #integrityFailed(
    scope: KeyScope,
    name: string,
    version: number | undefined,
    context: RequestContext | undefined,
    error: SecretIntegrityError,
  ): Promise<never> {
    this.#o.onAlert({ kind: 'secret_integrity_failed', orgId: scope.orgId, name, version, reason: error.message });
    // The audit log's alert rules turn this event into a `security.alert` entry (audit/services/audit-alerts.ts).
    await this.#record(scope, 'secret.integrity_failed', name, context, {
      reason: 'integrity_failed',
      details: version === undefined ? {} : { version },
    });
    throw new DomainError('secret_integrity_failed', 'The stored secret failed its integrity check; it was not returned');
  }

  async #dataKey(scope: KeyScope, id: string): Promise<Secret<Buffer>> {
    const cacheKey = `${scope.orgId}\0${id}`;
    const cached = this.#keys.get(cacheKey);
    if (cached !== undefined) return cached;
    const record = await this.#dataKeys.find(scope, id);
    if (record === undefined) throw new SecretIntegrityError('the ciphertext names no data key of its org');
    return this.#unwrap(record);
  }

  async #unwrap(record: DataKeyRecord): Promise<Secret<Buffer>> {
    const key = await this.#o.kek.unwrap(record.kekId, record.wrapped, dataKeyAad(record.orgId, record.id));
    if (this.#keys.size >= KEY_CACHE_LIMIT) this.#keys.clear();
    this.#keys.set(`${record.orgId}\0${record.id}`, key);
    return key;
  }

  #sealer(scope: KeyScope): Promise<Sealer> {
    const current = this.#sealers.get(scope.orgId);
    if (current !== undefined && current.remaining > 0) {
      current.remaining -= 1;
      return Promise.resolve(current);
    }
    let pending = this.#refills.get(scope.orgId);
    if (pending === undefined) {
      pending = this.#refill(scope).finally(() => this.#refills.delete(scope.orgId));
      this.#refills.set(scope.orgId, pending);
    }
    return pending.then(() => this.#sealer(scope));
  }

  async #refill(scope: KeyScope): Promise<Sealer> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const active = await this.#dataKeys.active(scope);
      if (active !== undefined) {
        const total = await this.#dataKeys.reserve(scope, active.id, this.#block, this.#max);
        if (total !== undefined) {
          const key = this.#keys.get(`${scope.orgId}\0${active.id}`) ?? (await this.#unwrapActive(scope, active));
          const sealer: Sealer = { id: active.id, key, remaining: this.#block };
          this.#sealers.set(scope.orgId, sealer);
          return sealer;
        }
      }
      await this.#newDataKey(scope, active?.id);
    }
    throw new DomainError('service_unavailable', 'No data key could be made active; try again');
  }

  async #unwrapActive(scope: KeyScope, record: DataKeyRecord): Promise<Secret<Buffer>> {
    try {
      return await this.#unwrap(record);
    } catch (error) {
      if (error instanceof SecretIntegrityError) {
        this.#o.onAlert({ kind: 'secret_integrity_failed', orgId: scope.orgId, name: '*', version: undefined, reason: error.message });
        await this.#o.audit.record({
          org: scope.orgId,
          actor: { type: 'system', id: null },
          action: 'secret.integrity_failed',
          resource: `data-key:${record.id}`,
          result: 'failure',
          reason: 'integrity_failed',
          sourceIp: null,
          requestId: null,
        });
        throw new DomainError('secret_integrity_failed', 'The org’s data key failed its integrity check');
      }
      throw error;
    }
  }

  async #activeKek(): Promise<string> {
    const active = (await this.#registry.keks()).find((kek) => kek.state === 'active');
    if (active !== undefined) return active.id;
    const id = newId('kek');
    await this.#o.kek.create(id);
    await this.#registry.addKek(id, this.#o.kek.source, this.#o.clock.now());
    return id;
  }

  async #newDataKey(scope: KeyScope, previousId: string | undefined): Promise<void> {
    const kekId = await this.#activeKek();
    const id = newId('dk');
    const key = secret(randomKey(32));
    const wrapped = await this.#o.kek.wrap(kekId, key, dataKeyAad(scope.orgId, id));
    const record: DataKeyRecord = {
      id,
      orgId: scope.orgId,
      kekId,
      wrapped,
      state: 'active',
      encryptions: 0,
      createdAt: this.#o.clock.now(),
    };
    if (await this.#dataKeys.replace(scope, previousId, record)) this.#keys.set(`${scope.orgId}\0${id}`, key);
  }

  async #record(
    scope: KeyScope,
    action: AuditAction,
    name: string,
    context: RequestContext | undefined,
    extra: { reason?: string; details?: Readonly<Record<string, unknown>> } = {},
  ): Promise<void> {
    await this.#o.audit.record(this.#event(scope, action, name, context, extra));
  }

  #event(
    scope: KeyScope,
    action: AuditAction,
    name: string,
    context: RequestContext | undefined,
    extra: { reason?: string; details?: Readonly<Record<string, unknown>> } = {},
  ): AuditEvent {
    const principal = scope.principal;
    return {
      org: scope.orgId,
      actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
      action,
      resource: `secret:${name}`,
      result: extra.reason === undefined ? 'success' : 'failure',
      ...(extra.reason === undefined ? {} : { reason: extra.reason }),
      sourceIp: context?.ip ?? null,
      requestId: context?.requestId ?? null,
      ...(context?.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      ...(extra.details === undefined ? {} : { details: extra.details }),
    };
  }
}

function checkName(name: string): void {
  if (!isSecretName(name)) {
    throw new DomainError('validation_failed', 'name: must be 1-128 letters, digits, dots, dashes or underscores', {
      extensions: { errors: [{ field: 'name', reason: 'must be 1-128 letters, digits, dots, dashes or underscores' }] },
    });
  }
}

function checkMin(name: string, min: number): void {
  checkName(name);
  if (!Number.isSafeInteger(min) || min < 1)
    throw new DomainError('validation_failed', 'min_decryption_version: must be a positive whole number');
}
