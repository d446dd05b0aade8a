/**
 * The reference {@link AuditLog}: events kept in memory, in order. Durable only for the life of
 * the process — the default until the tamper-evident log is wired, and the test double of the
 * port's contract. It keeps the entry rules of every log (`kernel/domain/audit-entry.ts`): free
 * text redacted and capped inside the entry, a secret-named `details` key refused with a generic
 * detail.
 */
import { auditEntryText, auditEventSecretProblem } from '../../domain/audit-entry.js';
import { DomainError } from '../../domain/errors.js';
import type { AuditEvent, AuditLog } from '../../ports/audit-log.js';

export class MemoryAuditLog implements AuditLog {
  readonly #events: AuditEvent[] = [];

  record(event: AuditEvent): Promise<void> {
    const problem = auditEventSecretProblem(event);
    if (problem !== undefined) {
      return Promise.reject(
        new DomainError('internal_error', 'The audit event was refused', { cause: new Error(`audit event refused: ${problem}`) }),
      );
    }
    this.#events.push(Object.freeze(auditEntryText(event)));
    return Promise.resolve();
  }

  /** Every event recorded so far, oldest first. */
  events(): readonly AuditEvent[] {
    return [...this.#events];
  }
}
