/**
 * Where every security-relevant event goes: authentication attempts (both outcomes),
 * authorization failures, state changes, configuration and role changes, policy violations,
 * secret reads and key uses (spec/api-v1.md, "Audit").
 */

/** Who acted. `id` is null when the actor is not known (a login for an unknown account). */
export interface AuditActor {
  readonly type: 'user' | 'api_key' | 'service' | 'system';
  readonly id: string | null;
}

/** One event, as a service reports it. Never holds a password, token, key or secret value. */
export interface AuditEvent {
  /** The org the event belongs to; platform events (logins, user management) use the `system` org. */
  readonly org: string;
  readonly actor: AuditActor;
  /** Dotted verb: `auth.login`, `user.create`, `session.revoke`, … */
  readonly action: string;
  /** The resource acted on (`usr_…`, `ses_…`), or a description when there is no id. */
  readonly resource: string;
  readonly result: 'success' | 'failure';
  /** Why it failed (an error code), or why it happened. */
  readonly reason?: string;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
  readonly userAgent?: string;
  /** Extra facts, JSON-serialisable, free of secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * The user whose personal data the entry holds (`usr_…`): those fields are encrypted with a key
   * of that subject, so that erasing the subject (GDPR Art. 17) leaves the log verifiable.
   */
  readonly subject?: string;
}

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
}
