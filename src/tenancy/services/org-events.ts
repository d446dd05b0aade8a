/**
 * What every tenancy change records and announces. The audit entry comes first (fail closed,
 * `kernel/audited-change.ts`): a change runs only once its entry is durable, and a change that
 * then fails is followed by a `result: failure` entry. After the change the org's cached decisions
 * are dropped on this instance at once and on every other through the revocation bus (`authz`).
 * A refused attempt (a role above the actor's) is recorded as a failure with its reason.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
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

/** What an entry is about: the org, the action, its resource, details and the person concerned. */
export interface OrgEventFacts {
  readonly orgId: string;
  readonly action: AuditAction;
  readonly resource: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The user whose personal data the entry holds (the member concerned). */
  readonly subject?: string;
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

  /**
   * Records the change's entry, then runs `change` (nothing runs when the log cannot record); with
   * `invalidates`, the org's cached decisions are dropped everywhere once it is done.
   */
  async change<T>(facts: OrgEventFacts, actor: TenancyActor, change: () => Promise<T>, invalidates = true): Promise<T> {
    const result = await auditedChange(this.#o.audit, this.#event(facts, actor, 'success'), change);
    if (invalidates) await this.changed(facts.orgId);
    return result;
  }

  /** Records a refused attempt (`result: failure`, with `reason`); the caller then throws. */
  async refused(facts: OrgEventFacts, actor: TenancyActor, reason: string): Promise<void> {
    await this.#o.audit.record({ ...this.#event(facts, actor, 'failure'), reason });
  }

  #event(facts: OrgEventFacts, actor: TenancyActor, result: 'success' | 'failure'): AuditEvent {
    return {
      org: facts.orgId,
      actor: { type: actor.principal.type, id: actor.principal.id },
      action: facts.action,
      resource: facts.resource,
      result,
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details: facts.details ?? {},
      ...(facts.subject === undefined ? {} : { subject: facts.subject }),
    };
  }
}
