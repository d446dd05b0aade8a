/**
 * An org's hook sources, managed under `webhooks.manage` in the request's tenant scope: put
 * (create, or change scheme, tolerance or secret), read, list, delete. The signing secret is the
 * caller's to give (the sender — Stripe, a partner — issues it) and is kept as a secret of the org
 * (`hook-source.<id>`, secrets capability); it is never returned. A new secret makes a new version;
 * the one before still verifies for RAMPART_INBOUND_SECRET_OVERLAP, so a sender can roll its
 * secret without a refused event. Every change is audited first (`auditedChange`).
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { TenantScope } from '../../../kernel/domain/tenant-scope.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import { keyOf } from './source-keys.js';
import { sourceSecretName, type HookScheme, type OrgHookSource } from '../domain/hook-source.js';
import type { InboundStore } from '../ports/inbound-store.js';

/** What the secrets capability does for the sources (its SecretService). */
export interface SourceSecrets {
  put(scope: TenantScope, name: string, value: Secret<string>, context: RequestContext | undefined): Promise<{ version: number }>;
  delete(scope: TenantScope, name: string, context: RequestContext | undefined): Promise<void>;
}

export interface SourceServiceOptions {
  readonly store: InboundStore;
  readonly secrets: SourceSecrets;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly defaultTolerance: number;
  /** Seconds a replaced secret still verifies. */
  readonly secretOverlap: number;
  readonly newId: () => string;
}

/** A put's input: scheme and tolerance (defaults on creation), and a secret (required on creation). */
export interface SourcePut {
  readonly scheme?: HookScheme;
  readonly secret?: Secret<string>;
  readonly toleranceSeconds?: number;
}

function refuseUnusable(scheme: HookScheme, secret: Secret<string> | undefined): void {
  if (secret !== undefined && keyOf(scheme, secret.reveal()) === undefined) {
    const reason = scheme === 'stripe' ? 'must not be empty' : 'must be whsec_ followed by base64 of the key';
    throw new DomainError('validation_failed', `secret: ${reason}`, { extensions: { errors: [{ field: 'body.secret', reason }] } });
  }
}

export class SourceService {
  readonly #o: SourceServiceOptions;

  constructor(options: SourceServiceOptions) {
    this.#o = options;
  }

  async get(scope: TenantScope, idOrName: string): Promise<OrgHookSource> {
    const source = await this.#o.store.find(scope, idOrName);
    if (source === undefined) throw new DomainError('not_found', 'No such hook source');
    return source;
  }

  list(scope: TenantScope): Promise<readonly OrgHookSource[]> {
    return this.#o.store.list(scope);
  }

  /** Creates the source `name` or changes it; `created` says which. */
  async put(
    scope: TenantScope,
    name: string,
    input: SourcePut,
    context: RequestContext,
  ): Promise<{ source: OrgHookSource; created: boolean }> {
    const existing = await this.#o.store.find(scope, name);
    return existing === undefined ? this.#create(scope, name, input, context) : this.#change(scope, existing, input, context);
  }

  async #create(
    scope: TenantScope,
    name: string,
    input: SourcePut,
    context: RequestContext,
  ): Promise<{ source: OrgHookSource; created: boolean }> {
    const scheme = input.scheme ?? 'standard-webhooks';
    if (input.secret === undefined) {
      throw new DomainError('validation_failed', 'secret: is required to create a hook source', {
        extensions: { errors: [{ field: 'body.secret', reason: 'is required to create a hook source' }] },
      });
    }
    refuseUnusable(scheme, input.secret);
    const secret = input.secret;
    const id = this.#o.newId();
    const now = this.#o.clock.now();
    const event = this.#event(scope, 'webhook.source_put', id, context, { name, scheme, created: true });
    const source = await auditedChange(this.#o.audit, event, async () => {
      const { version } = await this.#o.secrets.put(scope, sourceSecretName(id), secret, context);
      const created: OrgHookSource = {
        id,
        orgId: scope.orgId,
        name,
        scheme,
        secretName: sourceSecretName(id),
        secretVersion: version,
        previousSecretVersion: null,
        previousSecretUntil: null,
        toleranceSeconds: input.toleranceSeconds ?? this.#o.defaultTolerance,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.#o.store.insert(scope, created);
      } catch (error) {
        // A concurrent put took the name: the secret written for this one goes again.
        await this.#o.secrets.delete(scope, sourceSecretName(id), context).catch(() => undefined);
        throw error;
      }
      return created;
    });
    return { source, created: true };
  }

  async #change(
    scope: TenantScope,
    existing: OrgHookSource,
    input: SourcePut,
    context: RequestContext,
  ): Promise<{ source: OrgHookSource; created: boolean }> {
    const scheme = input.scheme ?? existing.scheme;
    if (scheme !== existing.scheme && input.secret === undefined) {
      throw new DomainError('validation_failed', 'secret: is required when the scheme changes', {
        extensions: { errors: [{ field: 'body.secret', reason: 'is required when the scheme changes' }] },
      });
    }
    refuseUnusable(scheme, input.secret);
    const secret = input.secret;
    const now = this.#o.clock.now();
    const event = this.#event(scope, 'webhook.source_put', existing.id, context, {
      name: existing.name,
      scheme,
      created: false,
      rotated: secret !== undefined,
    });
    const source = await auditedChange(this.#o.audit, event, async () => {
      let changed: OrgHookSource = {
        ...existing,
        scheme,
        toleranceSeconds: input.toleranceSeconds ?? existing.toleranceSeconds,
        updatedAt: now,
      };
      if (secret !== undefined) {
        const { version } = await this.#o.secrets.put(scope, existing.secretName, secret, context);
        // A scheme change makes the old secret meaningless; otherwise it verifies for the overlap.
        const overlap = scheme === existing.scheme && this.#o.secretOverlap > 0;
        changed = {
          ...changed,
          secretVersion: version,
          previousSecretVersion: overlap ? existing.secretVersion : null,
          previousSecretUntil: overlap ? now + this.#o.secretOverlap * 1000 : null,
        };
      }
      if (!(await this.#o.store.update(scope, changed))) throw new DomainError('not_found', 'No such hook source');
      return changed;
    });
    return { source, created: false };
  }

  async delete(scope: TenantScope, idOrName: string, context: RequestContext): Promise<void> {
    const source = await this.get(scope, idOrName);
    const event = this.#event(scope, 'webhook.source_delete', source.id, context, { name: source.name });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#o.store.delete(scope, source.id))) throw new DomainError('not_found', 'No such hook source');
      await this.#o.secrets.delete(scope, source.secretName, context).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
      });
    });
  }

  #event(scope: TenantScope, action: AuditAction, id: string, context: RequestContext, details: Record<string, unknown>): AuditEvent {
    const principal = scope.principal;
    return {
      org: scope.orgId,
      actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
      action,
      resource: `hook_source:${id}`,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details,
    };
  }
}
