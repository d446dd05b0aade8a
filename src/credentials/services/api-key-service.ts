/**
 * API keys of the calling user (test/fixtures/spec-api-v1.md, "API keys"): create, list, rotate, revoke.
 *
 * Rules it enforces:
 * 1. every scope must be held by the creator when the key is made — the Authorizer is asked for
 *    each one, org-scoped scopes in the key's org, platform ones on the platform; a deny is 403
 *    `forbidden` (404 when the org is one the creator cannot see), recorded as a failure of the
 *    attempted action. At use, the authorizer intersects the key's scopes with its owner's
 *    permissions again; the name refuses control characters (400 `validation_failed`);
 * 2. the key is shown once; only SHA-256 of it and a display prefix are stored;
 * 3. a rotation makes a new key and the old one stops at the end of the grace period (0 s by
 *    default, at most 24 h); a revocation is effective at once on every instance: written to the
 *    store, applied here, then published on the revocation bus;
 * 4. every change is audited (never the key), the entry first (`auditedChange`): a change whose
 *    entry cannot be recorded does not happen.
 */
import { apiKeyPrefix, hashApiKey, newApiKey, newApiKeyId } from '../crypto/api-key-secret.js';
import { MAX_ROTATION_GRACE_SECONDS, type ApiKey } from '../domain/api-key.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import { hasControlCharacter } from '../../kernel/http/names.js';
import { PLATFORM_PERMISSIONS } from '../../tenancy/index.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { ApiKeyStore, NewApiKey } from '../ports/api-key-store.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Authorizer } from '../../kernel/ports/authorizer.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus } from '../../kernel/ports/revocation-bus.js';
import type { SecurityEventRecorder, UserStore } from '../../identity/index.js';
import type { ApiKeyRevocations } from './api-key-revocations.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';

export interface ApiKeyServiceOptions {
  readonly store: ApiKeyStore;
  readonly users: Pick<UserStore, 'memberships'>;
  readonly authorizer: Authorizer;
  readonly revocations: Pick<ApiKeyRevocations, 'revokeLocally'>;
  readonly bus: RevocationBus;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Tells a user by mail that a key was created for them, after it is stored (identity's security events). */
  readonly securityEvents?: SecurityEventRecorder;
}

/** The creating user: its principal (its own scopes bound the key too) and request context. */
export interface KeyActor extends RequestContext {
  readonly principal: Principal;
}

export interface NewKeyRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  /** Org id or slug; required when a scope is org-scoped. */
  readonly org?: string;
  /** ms since the epoch. */
  readonly expiresAt?: number;
}

/** A key as created or rotated: the metadata and the key itself, shown once. */
export interface IssuedKey {
  readonly key: ApiKey;
  readonly secret: Secret<string>;
}

export class ApiKeyService {
  readonly #o: ApiKeyServiceOptions;

  constructor(options: ApiKeyServiceOptions) {
    this.#o = options;
  }

  async create(request: NewKeyRequest, actor: KeyActor): Promise<IssuedKey> {
    const now = this.#o.clock.now();
    if (request.name.length === 0 || request.name.length > 200 || hasControlCharacter(request.name)) {
      throw validationFailed([{ field: 'body.name', reason: 'must be 1 to 200 characters, none of them a control character' }]);
    }
    if (request.expiresAt !== undefined && request.expiresAt <= now) {
      throw validationFailed([{ field: 'body.expires_at', reason: 'is not in the future' }]);
    }
    const scopes = [...new Set(request.scopes)].sort();
    const orgId = await this.#authorizeScopes('api_key.create', scopes, request.org, actor);
    const expiresAt = request.expiresAt ?? null;
    const issued = this.#newKey(actor.principal.id, { name: request.name, scopes, orgId, expiresAt }, now);
    const event = this.#event('api_key.create', { id: issued.row.id, orgId, name: request.name, ownerId: actor.principal.id }, actor, {
      scopes: [...scopes],
      expires_at: expiresAt,
    });
    await auditedChange(this.#o.audit, event, () => this.#o.store.create(issued.row));
    if (actor.principal.type === 'user') {
      // The key's name and id only: never the key.
      const details = { name: request.name, key_id: issued.row.id };
      await this.#o.securityEvents?.record({ userId: actor.principal.id, kind: 'api_key_created', context: actor, details });
    }
    return { key: await this.#get(actor.principal.id, issued.row.id), secret: issued.secret };
  }

  list(ownerId: string, afterId: string | undefined, limit: number): Promise<readonly ApiKey[]> {
    return this.#o.store.listOwned(ownerId, afterId, limit);
  }

  /**
   * A new key with the old one's name, scopes, org and expiry. The scopes are checked again: a
   * creator who lost a permission cannot carry it into a fresh key.
   */
  async rotate(id: string, graceSeconds: number, actor: KeyActor): Promise<IssuedKey> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
      throw validationFailed([{ field: 'body.grace_seconds', reason: `must be an integer from 0 to ${MAX_ROTATION_GRACE_SECONDS}` }]);
    }
    const ownerId = actor.principal.id;
    const old = await this.#get(ownerId, id);
    await this.#authorizeScopes('api_key.rotate', old.scopes, old.orgId ?? undefined, actor);
    const now = this.#o.clock.now();
    const issued = this.#newKey(ownerId, { name: old.name, scopes: old.scopes, orgId: old.orgId, expiresAt: old.expiresAt }, now);
    const until = now + graceSeconds * 1000;
    const successor = { id: issued.row.id, orgId: old.orgId, name: old.name, ownerId };
    const event = this.#event('api_key.rotate', successor, actor, { replaces: id, grace_seconds: graceSeconds });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#o.store.rotate(ownerId, id, issued.row, until))) {
        throw new DomainError('conflict', 'The key is revoked, expired or already rotated');
      }
      // Every instance learns when the old key stops (its cached copy may not know yet).
      const stopsAt = old.expiresAt === null ? until : Math.min(until, old.expiresAt);
      this.#o.revocations.revokeLocally(id, stopsAt);
      await this.#o.bus.publish({ kind: 'api_key', id, revokedAt: stopsAt });
    });
    return { key: await this.#get(ownerId, issued.row.id), secret: issued.secret };
  }

  async revoke(id: string, actor: KeyActor): Promise<void> {
    const ownerId = actor.principal.id;
    const key = await this.#get(ownerId, id);
    await auditedChange(this.#o.audit, this.#event('api_key.revoke', key, actor, {}), async () => {
      const now = this.#o.clock.now();
      await this.#o.store.revoke(ownerId, id, now);
      this.#o.revocations.revokeLocally(id, now);
      await this.#o.bus.publish({ kind: 'api_key', id, revokedAt: now });
    });
  }

  async #get(ownerId: string, id: string): Promise<ApiKey> {
    const key = await this.#o.store.findOwned(ownerId, id);
    if (key === undefined) throw new DomainError('not_found', 'No such API key');
    return key;
  }

  /**
   * Asks the authorizer for every scope; resolves with the org id the key is confined to. A scope
   * beyond the creator's authority is recorded as a failure of `action` before the 403.
   */
  async #authorizeScopes(
    action: 'api_key.create' | 'api_key.rotate',
    scopes: readonly string[],
    org: string | undefined,
    actor: KeyActor,
  ): Promise<string | null> {
    const principal = actor.principal;
    const orgScoped = scopes.filter((scope) => !PLATFORM_PERMISSIONS.has(scope));
    if (orgScoped.length > 0 && org === undefined) {
      throw validationFailed([{ field: 'body.org', reason: `is required for the org-scoped scope ${orgScoped[0] ?? ''}` }]);
    }
    for (const scope of scopes) {
      const platform = PLATFORM_PERMISSIONS.has(scope);
      const decision = await this.#o.authorizer.decide({
        principal,
        access: { permission: scope, scope: platform ? 'platform' : 'org' },
        org: platform ? undefined : org,
      });
      if (decision.allow) continue;
      if (decision.hide === true) throw new DomainError('not_found', 'No such org');
      const orgId = decision.org?.id ?? null;
      await this.#o.audit.record({
        ...this.#event(action, { id: 'api_key', orgId, name: '', ownerId: principal.id }, actor, { scope }),
        result: 'failure',
        reason: 'scope_beyond_creator',
      });
      throw new DomainError('forbidden', `The scope ${scope} is beyond the creator's permissions`);
    }
    if (org === undefined) return null;
    const membership = (await this.#o.users.memberships(principal.id)).find((m) => m.orgId === org || m.orgSlug === org);
    if (membership === undefined) throw new DomainError('not_found', 'No such org');
    return membership.orgId;
  }

  #newKey(
    ownerId: string,
    fields: { name: string; scopes: readonly string[]; orgId: string | null; expiresAt: number | null },
    now: number,
  ): { row: NewApiKey; secret: Secret<string> } {
    const secret = newApiKey();
    const clear = secret.reveal();
    const row: NewApiKey = {
      id: newApiKeyId(),
      ownerId,
      orgId: fields.orgId,
      name: fields.name,
      prefix: apiKeyPrefix(clear),
      keyHash: hashApiKey(clear),
      scopes: fields.scopes,
      now,
      expiresAt: fields.expiresAt,
    };
    return { row, secret };
  }

  #event(
    action: AuditAction,
    key: Pick<ApiKey, 'id' | 'orgId' | 'name' | 'ownerId'>,
    actor: KeyActor,
    details: Readonly<Record<string, unknown>>,
  ): AuditEvent {
    return {
      org: key.orgId ?? SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: actor.principal.id },
      action,
      resource: key.id,
      result: 'success',
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details: { ...details, name_length: key.name.length },
      subject: key.ownerId,
    };
  }
}
