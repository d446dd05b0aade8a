/**
 * An audited change is recorded or does not happen (test/fixtures/spec-api-v1.md, "Audit"): the
 * entry is written first, and only once it is durable does the change run — when the log cannot
 * record, `record` rejects with `audit_unavailable` and nothing changes (fail closed, as Vault
 * refuses a request no audit device can log). A change that then fails is followed by a second
 * entry, `result: failure`, with the same action, resource and request id, so the log says that
 * the recorded change did not take effect and why (the error code, never its message).
 *
 * Checks that can refuse the change (authorization, validation, the target's existence) belong
 * before the call: what runs inside `change` should fail only on a race or a fault.
 */
import { DomainError } from './domain/errors.js';
import type { AuditEvent, AuditLog } from './ports/audit-log.js';

/** Records `event`, then runs `change`; see the module comment for what a failure leaves behind. */
export async function auditedChange<T>(audit: AuditLog, event: AuditEvent, change: () => Promise<T>): Promise<T> {
  await audit.record(event);
  try {
    return await change();
  } catch (error) {
    await recordNotApplied(audit, event, error);
    throw error;
  }
}

/**
 * The second entry of a change whose entry was recorded but which did not take effect: `event` as
 * a `failure`, reason `not_applied:<why>` — `why` an outcome name, or the error's code (a
 * {@link DomainError}'s, else `internal_error`; never its message). Best effort: the change did
 * not happen either way, so a log that cannot record this entry changes nothing for the caller.
 */
export async function recordNotApplied(audit: AuditLog, event: AuditEvent, why: unknown): Promise<void> {
  const reason = typeof why === 'string' ? why : why instanceof DomainError ? why.code : 'internal_error';
  await audit.record({ ...event, result: 'failure', reason: `not_applied:${reason}` }).catch(() => undefined);
}
