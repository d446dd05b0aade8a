import type { AuditAction, AuditEventFields } from './audit-entry.js';
import type { Principal } from './principal.js';
import { SYSTEM_ORG_SLUG } from './system-org.js';

/** Who is asking, as far as the audit log needs it: never a credential. */
export interface RequestContext {
  /**
   * The caller's address as collected (`RAMPART_COLLECT_IP`: itself, its network, or null when
   * collection is off): the value stores and the audit log receive.
   */
  readonly ip: string | null;
  /** The real address, in memory only, for what must tell callers apart (login throttling): never stored. */
  readonly peer?: string;
  readonly userAgent: string | undefined;
  readonly requestId: string;
}

/**
 * The address that throttles key on: the real one when the context came from a request (`peer`,
 * in memory only), else the collected one. Never stored.
 */
export function callerAddress(context: RequestContext): string {
  return context.peer ?? context.ip ?? 'unknown';
}

/** A signed-in user acting on their own account or the platform, and from where. */
export interface UserActor extends RequestContext {
  readonly userId: string;
}

/** Any authenticated principal (user, API key, service client) acting on an org, and from where. */
export interface PrincipalActor extends RequestContext {
  readonly principal: Principal;
}

/** What a user did or tried, for {@link userAuditEvent}. */
export interface UserAction {
  /** The acting user, who is also the entry's subject; `null` when no account is known. */
  readonly userId: string | null;
  readonly action: AuditAction;
  readonly resource: string;
  readonly context: RequestContext;
  /** Set for a refused attempt: the entry's result is then `failure`. */
  readonly reason?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** The audit event of a user's own action on the platform (recorded under the `system` org). */
export function userAuditEvent(done: UserAction): AuditEventFields {
  const { userId, reason, details, context } = done;
  return {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'user', id: userId },
    action: done.action,
    resource: done.resource,
    result: reason === undefined ? 'success' : 'failure',
    ...(reason === undefined ? {} : { reason }),
    sourceIp: context.ip,
    requestId: context.requestId,
    ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
    ...(details === undefined ? {} : { details }),
    ...(userId === null ? {} : { subject: userId }),
  };
}
