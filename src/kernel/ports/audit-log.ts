/**
 * Where every security-relevant event goes: authentication attempts (both outcomes),
 * authorization failures, state changes, configuration and role changes, policy violations,
 * secret reads and key uses (test/fixtures/spec-api-v1.md, "Audit").
 */

import type { AuditEntryFields, AuditEventFields } from '../domain/audit-entry.js';

/** Who acted. `id` is null when the actor is not known (a login for an unknown account). */
export type AuditActor = AuditEntryFields['actor'];

/**
 * One event, as a service reports it (the fields are defined once, in `kernel/domain/audit-entry.ts`);
 * its `action` is one a capability declared (`AuditActions`).
 * `org` is the org the event belongs to — platform events (logins, user management) use the
 * `system` org; `subject` is the user whose personal data the entry holds, so that erasing the
 * subject (GDPR Art. 17) leaves the log verifiable. Never holds a password, token, key or secret.
 */
export type AuditEvent = AuditEventFields;

/**
 * Records audit events.
 *
 * Guarantees: when `record` resolves, the event is durable (it survives a crash of this process);
 * when the log cannot record, `record` rejects with a `DomainError('audit_unavailable')` and the
 * caller must not make the change (fail closed, as Vault does when no audit device can record).
 * Events of one caller are recorded in the order their `record` calls resolve.
 */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /**
   * GDPR Art. 17: erases the personal fields the log holds of `subject` (a user id) — their
   * per-subject key is destroyed — while every entry's leaf hash, the proofs and the checkpoints
   * stay valid; listings and exports show the fields as `[erased]`. Resolves once durable;
   * rejects with `audit_unavailable` when it could not. Optional: a log that holds no personal
   * data (the in-memory reference adapter) has nothing to erase.
   */
  eraseSubject?(subject: string): Promise<void>;
}
