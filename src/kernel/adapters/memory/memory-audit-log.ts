import type { AuditEvent, AuditLog } from '../../ports/audit-log.js';

/**
 * The reference {@link AuditLog}: events kept in memory, in order. Durable only for the life of
 * the process — the default until the tamper-evident log is wired, and the test double of the
 * port's contract.
 */
export class MemoryAuditLog implements AuditLog {
  readonly #events: AuditEvent[] = [];

  record(event: AuditEvent): Promise<void> {
    this.#events.push(Object.freeze({ ...event }));
    return Promise.resolve();
  }

  /** Every event recorded so far, oldest first. */
  events(): readonly AuditEvent[] {
    return [...this.#events];
  }
}
