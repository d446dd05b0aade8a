/**
 * What every tenancy change does after it is stored: it drops the org's cached decisions on this
 * instance at once, tells every other instance through the revocation bus (`authz`), and records
 * the audit entry — the request answers only after the entry is durable.
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus } from '../../kernel/ports/revocation-bus.js';
import type { PrincipalActor } from '../../kernel/domain/request-context.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

/** Who changes tenancy, and from where. */
export type TenancyActor = PrincipalActor;

export interface OrgEventsOptions {
  readonly audit: AuditLog;
  readonly bus: RevocationBus;
  readonly clock: Clock;
  readonly authorizer: TenantAuthorizer;
}

export class OrgEvents {
  readonly #o: OrgEventsOptions;

  constructor(options: OrgEventsOptions) {
    this.#o = options;
  }

  /** Cached decisions about the org are stale: drop them here and on every instance. */
  async changed(orgId: string): Promise<void> {
    this.#o.authorizer.invalidate(orgId);
    await this.#o.bus.publish({ kind: 'authz', id: orgId, revokedAt: this.#o.clock.now() });
  }

  /** Records a successful change of the org. */
  async record(
    orgId: string,
    action: AuditAction,
    resource: string,
    actor: TenancyActor,
    details: Readonly<Record<string, unknown>> = {},
    subject?: string,
  ): Promise<void> {
    await this.#o.audit.record({
      org: orgId,
      actor: { type: actor.principal.type, id: actor.principal.id },
      action,
      resource,
      result: 'success',
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details,
      ...(subject === undefined ? {} : { subject }),
    });
  }
}
