/**
 * The audit entries of the licences capability: one shape for every issue, revocation,
 * activation, deactivation and refused check. An entry names the licence, the installation and
 * the reason of a refusal; never a licence key, its hash, or a token.
 */
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditEvent } from '../../kernel/ports/audit-log.js';

export interface LicenceAuditFacts {
  readonly action: AuditAction;
  /** The licence's org; undefined when the licence is not known (an unreadable key): the `system` org. */
  readonly orgId: string | undefined;
  /** The licence id, or `licence` when none is known. */
  readonly resource: string | undefined;
  readonly context: RequestContext;
  /** The acting principal (an org's manager); absent for an installation on the public routes. */
  readonly principal?: Principal | undefined;
  /** Set for a refusal: the entry's result is then `failure`. */
  readonly reason?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function licenceAuditEvent(facts: LicenceAuditFacts): AuditEvent {
  const { context, principal, reason } = facts;
  return {
    org: facts.orgId ?? SYSTEM_ORG_SLUG,
    actor: principal === undefined ? { type: 'system', id: null } : { type: principal.type, id: principal.id },
    action: facts.action,
    resource: facts.resource ?? 'licence',
    result: reason === undefined ? 'success' : 'failure',
    ...(reason === undefined ? {} : { reason }),
    sourceIp: context.ip,
    requestId: context.requestId,
    ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
    details: facts.details ?? {},
  };
}
