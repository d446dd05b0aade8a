/**
 * Managing an org's webhook endpoints (issue 15, item 1): create (the URL checked by the SSRF
 * guard, a `whsec_…` secret made and stored through the secrets capability, shown once), list,
 * read, update (a changed URL is checked again), delete, rotate the secret (the previous one keeps
 * signing for the configured overlap), and the deliveries: list, attempts, retry.
 *
 * Every change is an audited change (kernel/audited-change.ts): its entry first, then the change.
 * Checks that can refuse it — the URL, the subscriptions, the endpoint's existence — come before.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import type { EventType } from '../../kernel/domain/events.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { newSigningSecret } from '../crypto/webhook-signature.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '../domain/delivery.js';
import { endpointSecretName, unknownSubscriptions, type WebhookEndpoint } from '../domain/webhook-endpoint.js';
import type { DeliveryCursor, DeliveryStore } from '../ports/delivery-store.js';
import type { EndpointStore } from '../ports/endpoint-store.js';

/** What the secrets capability does for endpoints: store a new version, delete every version. */
export interface EndpointSecrets {
  put(scope: TenantScope, name: string, value: Secret<string>, context: RequestContext | undefined): Promise<{ version: number }>;
  delete(scope: TenantScope, name: string, context: RequestContext | undefined): Promise<void>;
}

/** The SSRF guard's verdict on a URL (kernel/net/ssrf-guard.ts): true when it may be used. */
export type UrlCheck = (url: string) => Promise<boolean>;

export interface EndpointServiceOptions {
  readonly endpoints: EndpointStore;
  readonly deliveries: DeliveryStore;
  readonly secrets: EndpointSecrets;
  readonly checkUrl: UrlCheck;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The catalogue of event types (every capability's). */
  readonly eventTypes: readonly EventType[];
  /** Seconds the previous secret signs after a rotation. */
  readonly secretOverlapSeconds: number;
}

export interface NewEndpoint {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
}

export interface EndpointUpdate {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** An endpoint with the signing secret it was just given (shown once). */
export interface IssuedEndpoint {
  readonly endpoint: WebhookEndpoint;
  readonly secret: Secret<string>;
}

export class EndpointService {
  readonly #o: EndpointServiceOptions;

  constructor(options: EndpointServiceOptions) {
    this.#o = options;
  }

  async create(scope: TenantScope, input: NewEndpoint, context: RequestContext): Promise<IssuedEndpoint> {
    this.#checkEvents(input.events);
    await this.#checkUrl(input.url);
    const id = `whk_${randomKey(16).toString('hex')}`;
    const secret = newSigningSecret();
    const now = this.#o.clock.now();
    const event = this.#event(scope, 'webhook.create', id, context, { events: [...input.events] });
    const endpoint = await auditedChange(this.#o.audit, event, async () => {
      const name = endpointSecretName(id);
      const { version } = await this.#o.secrets.put(scope, name, secret, context);
      const created: WebhookEndpoint = {
        id,
        orgId: scope.orgId,
        url: input.url,
        events: Object.freeze([...new Set(input.events)]),
        description: input.description ?? '',
        disabledReason: null,
        secretName: name,
        secretVersion: version,
        previousSecretVersion: null,
        previousSecretUntil: null,
        failingSince: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.#o.endpoints.create(scope, created);
      } catch (error) {
        // The endpoint was not stored: its secret must not outlive it.
        await this.#o.secrets.delete(scope, name, context).catch(() => undefined);
        throw error;
      }
      return created;
    });
    return { endpoint, secret };
  }

  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly WebhookEndpoint[]> {
    return this.#o.endpoints.list(scope, after, limit);
  }

  async get(scope: TenantScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.#o.endpoints.find(scope, id);
    if (endpoint === undefined) throw new DomainError('not_found', 'No such webhook');
    return endpoint;
  }

  async update(scope: TenantScope, id: string, update: EndpointUpdate, context: RequestContext): Promise<WebhookEndpoint> {
    await this.get(scope, id);
    if (update.events !== undefined) this.#checkEvents(update.events);
    if (update.url !== undefined) await this.#checkUrl(update.url);
    const fields = Object.entries(update)
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    const event = this.#event(scope, 'webhook.update', id, context, {
      fields,
      ...(update.enabled === undefined ? {} : { enabled: update.enabled }),
    });
    return auditedChange(this.#o.audit, event, async () => {
      const updated = await this.#o.endpoints.update(
        scope,
        id,
        {
          ...(update.url === undefined ? {} : { url: update.url }),
          ...(update.events === undefined ? {} : { events: [...new Set(update.events)] }),
          ...(update.description === undefined ? {} : { description: update.description }),
          ...(update.enabled === undefined ? {} : { disabledReason: update.enabled ? null : 'manual' }),
        },
        this.#o.clock.now(),
      );
      if (updated === undefined) throw new DomainError('not_found', 'No such webhook');
      return updated;
    });
  }

  async delete(scope: TenantScope, id: string, context: RequestContext): Promise<void> {
    const endpoint = await this.get(scope, id);
    await auditedChange(this.#o.audit, this.#event(scope, 'webhook.delete', id, context), async () => {
      if (!(await this.#o.endpoints.delete(scope, id))) throw new DomainError('not_found', 'No such webhook');
      // The secret goes with the endpoint (audited by the secrets capability); already gone is fine.
      await this.#o.secrets.delete(scope, endpoint.secretName, context).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
      });
    });
  }

  /** A new signing secret (shown once); the current one keeps signing beside it for the overlap. */
  async rotateSecret(scope: TenantScope, id: string, context: RequestContext): Promise<IssuedEndpoint> {
    const endpoint = await this.get(scope, id);
    const secret = newSigningSecret();
    const event = this.#event(scope, 'webhook.rotate_secret', id, context, { overlap_seconds: this.#o.secretOverlapSeconds });
    const rotated = await auditedChange(this.#o.audit, event, async () => {
      const { version } = await this.#o.secrets.put(scope, endpoint.secretName, secret, context);
      const now = this.#o.clock.now();
      const rotation = {
        secretVersion: version,
        previousSecretVersion: endpoint.secretVersion,
        previousSecretUntil: now + this.#o.secretOverlapSeconds * 1000,
      };
      if (!(await this.#o.endpoints.rotate(scope, id, rotation, now))) throw new DomainError('not_found', 'No such webhook');
      return { ...endpoint, ...rotation, updatedAt: now };
    });
    return { endpoint: rotated, secret };
  }

  async deliveries(
    scope: TenantScope,
    endpointId: string,
    options: { readonly after?: DeliveryCursor; readonly limit: number; readonly status?: DeliveryStatus },
  ): Promise<readonly Delivery[]> {
    await this.get(scope, endpointId);
    return this.#o.deliveries.list(scope, endpointId, options);
  }

  async delivery(
    scope: TenantScope,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: Delivery; attempts: readonly DeliveryAttempt[] }> {
    const delivery = await this.#o.deliveries.find(scope, endpointId, deliveryId);
    if (delivery === undefined) throw new DomainError('not_found', 'No such delivery');
    return { delivery, attempts: await this.#o.deliveries.attempts(scope, deliveryId) };
  }

  /** Makes a delivery due now again (one more attempt, whatever its status). */
  async retry(scope: TenantScope, endpointId: string, deliveryId: string, context: RequestContext): Promise<Delivery> {
    const found = await this.#o.deliveries.find(scope, endpointId, deliveryId);
    if (found === undefined) throw new DomainError('not_found', 'No such delivery');
    const event = this.#event(scope, 'webhook.delivery_retry', endpointId, context, { delivery: deliveryId });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await this.#o.deliveries.retry(scope, endpointId, deliveryId, this.#o.clock.now())))
        throw new DomainError('not_found', 'No such delivery');
    });
    const delivery = await this.#o.deliveries.find(scope, endpointId, deliveryId);
    if (delivery === undefined) throw new DomainError('not_found', 'No such delivery');
    return delivery;
  }

  #checkEvents(events: readonly string[]): void {
    const unknown = unknownSubscriptions(events, this.#o.eventTypes);
    if (unknown.length > 0) {
      throw validationFailed(
        unknown.map((pattern) => ({ field: 'body.events', reason: `${pattern} names no event type of the catalogue` })),
      );
    }
  }

  async #checkUrl(url: string): Promise<void> {
    if (!(await this.#o.checkUrl(url))) {
      // The detail names no range, address or rule: only that the URL is refused.
      throw new DomainError('ssrf_blocked', 'The URL is, or resolves to, an address webhooks may not be sent to');
    }
  }

  #event(
    scope: TenantScope,
    action: AuditAction,
    id: string,
    context: RequestContext,
    details: Readonly<Record<string, unknown>> | undefined = undefined,
  ): AuditEvent {
    const principal = scope.principal;
    return {
      org: scope.orgId,
      actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
      action,
      resource: `webhook:${id}`,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      ...(details === undefined ? {} : { details }),
    };
  }
}
