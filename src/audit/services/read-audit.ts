/**
 * Read entries (`RAMPART_AUDIT_READS`, issue 22 item 1): under `all`, every authenticated request
 * that changed nothing gets an `api.read` entry — as Vault's audit device records every request.
 * The entry goes through the same group-committed log as every other one, so a burst of reads
 * costs a share of one transaction each; like any entry, it is durable when `recordRead`
 * resolves, and `audit_unavailable` when the log cannot record it (the caller then refuses the
 * request: fail closed). Under `off` and `sensitive` it records nothing (the reads `sensitive`
 * covers — secrets, exports, the audit log — are recorded by their own routes, with their own actions).
 */
import type { AuditReads } from '../config.js';
import type { AuditActor, AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';

/** One authenticated read, as the request chain knows it once the answer is decided. */
export interface ApiRead {
  /** The org the request was made in (`system` for platform routes). */
  readonly org: string;
  readonly actor: AuditActor;
  /** The HTTP method (GET, HEAD, or another that changed nothing). */
  readonly method: string;
  /** The route's pattern (`/api/v1/orgs/:orgId/secrets`), never the URL with its query string. */
  readonly route: string;
  /** The answer's status code. */
  readonly status: number;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
  readonly userAgent?: string;
  /** The user whose personal data the entry holds (the actor, when a user). */
  readonly subject?: string;
}

/** The `api.read` event of `read`: resource is the route pattern; a 4xx/5xx answer is a failure. */
export function apiReadEvent(read: ApiRead): AuditEvent {
  return {
    org: read.org,
    actor: read.actor,
    action: 'api.read',
    resource: read.route,
    result: read.status < 400 ? 'success' : 'failure',
    sourceIp: read.sourceIp,
    requestId: read.requestId,
    ...(read.userAgent === undefined ? {} : { userAgent: read.userAgent }),
    ...(read.subject === undefined ? {} : { subject: read.subject }),
    details: { method: read.method, status: read.status },
  };
}

/** Records `read` when the setting is `all`; resolves at once otherwise. */
export function readRecorder(log: AuditLog, reads: AuditReads): (read: ApiRead) => Promise<void> {
  if (reads !== 'all') return () => Promise.resolve();
  return (read) => log.record(apiReadEvent(read));
}
