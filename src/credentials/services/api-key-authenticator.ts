/**
 * `Authorization: Bearer rk_…` (test/fixtures/spec-api-v1.md, "Conventions"). The rules, in order:
 * 1. a bearer credential that does not start with `rk_` is another authenticator's (JWTs);
 * 2. one that does but is not exactly `rk_` + 43 base64url characters is refused, unread — a
 *    present credential that fails verification is always 401 `token_invalid`, never treated as
 *    missing (`unauthenticated` is for no credential at all);
 * 3. the key is found by its SHA-256 — from a short, bounded cache keyed by that hash, else from
 *    the store — and refused when it is unknown, revoked (here or on any instance: the revocation
 *    bus), past its expiry or its rotation grace, or when its owner is disabled or gone;
 * 4. the principal is `api_key` with the key's scopes, its owner and its org: the authorizer
 *    bounds it by the owner's current permissions at every decision;
 * 5. `last_used_at` is written at most once a minute per key, off the request's path;
 * 6. a refused key that can be attributed (by its display prefix) is audited, never the key;
 * 7. while the MFA requirement is on (RAMPART_MFA_REQUIRED_FOR_ADMINS), the key of an owner or
 *    admin who has no second factor is refused with 403 `mfa_enrollment_required` (thrown: the
 *    key is valid, its owner must act) until the owner enrols — as the owner's own requests are;
 * 8. a disabled or erased owner's keys leave every instance's cache at once: the revocation bus
 *    carries an `api_key` event with the owner's id (`ApiKeyRevocations.ownerChangedSince`).
 */
import { apiKeyPrefix, hashApiKey, isApiKeyShape, looksLikeApiKey } from '../crypto/api-key-secret.js';
import { apiKeyUnusableReason, lastUsedIsDue, LAST_USED_WRITE_INTERVAL_MS, type ApiKey } from '../domain/api-key.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { AuthenticationResult, Principal } from '../../kernel/domain/principal.js';
import { redactText } from '../../kernel/domain/redaction.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Authenticator, CredentialRequest } from '../../kernel/ports/authenticator.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { ApiKeyRevocations } from './api-key-revocations.js';

/** How long a key read from the store is served from memory. */
export const API_KEY_CACHE_TTL_MS = 10_000;
/** The most keys held in memory; the oldest entry goes first. */
export const API_KEY_CACHE_SIZE = 10_000;

/** RFC 6750 §2.1 framing, as the bearer authenticator reads it. */
const BEARER = /^Bearer +(\S+)$/i;
/** What claims to be an API key even when the framing around it is broken. */
const CLAIMS_KEY = /^bearer\s+rk_/i;

export interface ApiKeyAuthenticatorOptions {
  readonly store: ApiKeyStore;
  readonly revocations: Pick<ApiKeyRevocations, 'hasStopped' | 'generation' | 'ownerChangedSince'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** A failed `last_used_at` write: reported, never fails the request. */
  readonly onError: (error: unknown) => void;
  readonly cacheTtlMs?: number;
  /** Whether the user must enrol a second factor before acting (identity's MFA enforcement). */
  readonly mustEnrol?: (userId: string) => Promise<boolean>;
}

interface Entry {
  readonly key: ApiKey;
  readonly cachedAt: number;
  readonly generation: number;
  readonly principal: Principal;
}

type Refusal = Extract<AuthenticationResult, { outcome: 'rejected' }>;

function refuse(code: Refusal['code'], detail: string): Refusal {
  return { outcome: 'rejected', code, detail };
}

export class ApiKeyAuthenticator implements Authenticator {
  readonly name = 'api-key';
  readonly #o: ApiKeyAuthenticatorOptions;
  readonly #ttl: number;
  readonly #cache = new Map<string, Entry>();
  /** key id → when this instance last wrote its `last_used_at`. */
  readonly #touched = new Map<string, number>();

  constructor(options: ApiKeyAuthenticatorOptions) {
    this.#o = options;
    this.#ttl = options.cacheTtlMs ?? API_KEY_CACHE_TTL_MS;
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    const header = request.authorization;
    if (header === undefined || !/^bearer /i.test(header)) return { outcome: 'none' };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return CLAIMS_KEY.test(header) ? refuse('token_invalid', 'The API key is malformed') : { outcome: 'none' };
    if (!looksLikeApiKey(token)) return { outcome: 'none' };
    if (!isApiKeyShape(token)) return refuse('token_invalid', 'The API key is malformed');
    const now = this.#o.clock.now();
    const hash = hashApiKey(token);
    const entry = this.#cached(hash, now) ?? (await this.#load(hash, token, request, now));
    if (!('principal' in entry)) return entry;
    if (this.#o.mustEnrol !== undefined && (await this.#o.mustEnrol(entry.key.ownerId))) {
      await this.#auditFailure(entry.key, 'owner_mfa_not_enrolled', request);
      throw new DomainError('mfa_enrollment_required', "The key's owner must enrol a second factor before the key can be used");
    }
    this.#touch(entry.key.id, now);
    return { outcome: 'authenticated', principal: entry.principal };
  }

  #cached(hash: string, now: number): Entry | undefined {
    const entry = this.#cache.get(hash);
    if (entry === undefined) return undefined;
    const revocations = this.#o.revocations;
    const fresh =
      now - entry.cachedAt < this.#ttl &&
      entry.generation === revocations.generation &&
      !revocations.ownerChangedSince(entry.key.ownerId, entry.cachedAt);
    if (!fresh || revocations.hasStopped(entry.key.id, now) || apiKeyUnusableReason(entry.key, now) !== undefined) {
      this.#cache.delete(hash);
      return undefined;
    }
    return entry;
  }

  async #load(hash: string, token: string, request: CredentialRequest, now: number): Promise<Entry | Refusal> {
    const generation = this.#o.revocations.generation;
    const match = await this.#o.store.findByHash(hash);
    if (match === undefined) {
      const claimed = await this.#o.store.findByPrefix(apiKeyPrefix(token));
      if (claimed !== undefined) await this.#auditFailure(claimed, 'wrong_secret', request);
      return refuse('token_invalid', 'The API key is not valid');
    }
    const { key, ownerStatus } = match;
    const unusable = this.#o.revocations.hasStopped(key.id, now) ? 'revoked' : apiKeyUnusableReason(key, now);
    if (unusable !== undefined) {
      await this.#auditFailure(key, unusable, request);
      return unusable === 'expired'
        ? refuse('token_expired', 'The API key has expired')
        : refuse('token_invalid', 'The API key is revoked');
    }
    if (ownerStatus !== 'active') {
      await this.#auditFailure(key, 'owner_inactive', request);
      return refuse('token_invalid', 'The API key is not valid');
    }
    const principal: Principal = Object.freeze({
      type: 'api_key',
      id: key.id,
      via: 'api_key',
      scopes: key.scopes,
      owner: key.ownerId,
      ...(key.orgId === null ? {} : { org: key.orgId }),
    });
    const entry: Entry = Object.freeze({ key, cachedAt: now, generation, principal });
    this.#cache.set(hash, entry);
    while (this.#cache.size > API_KEY_CACHE_SIZE) {
      const oldest = this.#cache.keys().next();
      if (oldest.done === true) break;
      this.#cache.delete(oldest.value);
    }
    if (key.lastUsedAt !== null && !this.#touched.has(key.id)) this.#touched.set(key.id, key.lastUsedAt);
    return entry;
  }

  /** Writes `last_used_at` when a minute has passed since this instance (or the store) last did. */
  #touch(id: string, now: number): void {
    if (!lastUsedIsDue(this.#touched.get(id) ?? null, now)) return;
    this.#touched.set(id, now);
    if (this.#touched.size > API_KEY_CACHE_SIZE) {
      const oldest = this.#touched.keys().next();
      if (oldest.done !== true) this.#touched.delete(oldest.value);
    }
    this.#o.store.touch(id, now, now - LAST_USED_WRITE_INTERVAL_MS + 1).catch(this.#o.onError);
  }

  async #auditFailure(key: ApiKey, reason: string, request: CredentialRequest): Promise<void> {
    // As RAMPART_COLLECT_USER_AGENT keeps it: absent when the policy collects none.
    const agent = request.userAgent;
    await this.#o.audit.record({
      org: key.orgId ?? SYSTEM_ORG_SLUG,
      actor: { type: 'api_key', id: key.id },
      action: 'api_key.use',
      resource: key.id,
      result: 'failure',
      reason,
      sourceIp: request.ip,
      // The request id is not known to authenticators yet; the IP and user agent place the attempt.
      requestId: null,
      // A user agent shaped like a credential would make the log refuse the entry: it is left out.
      ...(typeof agent === 'string' && redactText(agent) === agent ? { userAgent: agent.slice(0, 512) } : {}),
      subject: key.ownerId,
    });
  }
}
