/**
 * Identity's security events (docs/decisions/029-new-device-alerts.md): {@link SecurityEvents.record}
 * stores the event and queues its notification to the account's address (and `alsoNotify`); the
 * list answers `GET /api/v1/me/security-events`. The rules:
 * 1. an event is recorded after its cause's change committed (the cause is audited on its own):
 *    it tells the owner what happened, so it never happens for a change that did not;
 * 2. recording never fails the caller: a store or outbox that cannot take it is logged (never
 *    with the event's details) and the cause's answer stands — the change is done and audited;
 * 3. the event is stored first, then the mail queued: the list holds every event that was mailed;
 * 4. details are metadata chosen by the cause (a key's name, a device): never a secret.
 */
import type { Mail, MailTemplate } from '../../../mail/index.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import { newSecurityEventId } from '../crypto/security-event-id.js';
import type { EventPosition } from '../crypto/security-tokens.js';
import { deviceSummary, placeOf } from '../domain/device-summary.js';
import type { SecurityEventInput, SecurityEventRecorder } from '../domain/security-event.js';
import { SECURITY_TEMPLATES } from '../domain/security-templates.js';
import type { NewDeviceAlert, SecurityEventStore, StoredSecurityEvent } from '../ports/security-event-store.js';
import { USER_AGENT_MAX } from '../../sessions/services/new-session.js';

export interface SecurityEventsOptions {
  readonly store: SecurityEventStore;
  readonly users: Pick<UserStore, 'findById'>;
  readonly mail: Pick<Mail, 'queue'>;
  readonly clock: Clock;
  /** Logs a failure to record (the work's name only). */
  readonly onError: (error: unknown) => void;
}

/** Extra values and the alert row of a new-device event. */
export interface AlertAttachment {
  readonly alert: Omit<NewDeviceAlert, 'eventId' | 'userId'>;
  /** The mail values beyond the common ones (links, expiry), given the event's id. */
  values(eventId: string): Readonly<Record<string, string>>;
}

export class SecurityEvents implements SecurityEventRecorder {
  readonly #o: SecurityEventsOptions;

  constructor(options: SecurityEventsOptions) {
    this.#o = options;
  }

  async record(event: SecurityEventInput): Promise<void> {
    try {
      await this.store(event);
    } catch (error) {
      this.#o.onError(error);
    }
  }

  /** Like {@link record}, but rejects when the event could not be stored or its mail queued (for the alert flow and tests). */
  async store(event: SecurityEventInput, attachment?: AlertAttachment): Promise<StoredSecurityEvent | undefined> {
    const user = await this.#o.users.findById(event.userId);
    if (user === undefined) return undefined;
    const stored: StoredSecurityEvent = {
      id: newSecurityEventId(),
      userId: user.id,
      kind: event.kind,
      createdAt: this.#o.clock.now(),
      ip: event.context?.ip ?? null,
      userAgent: event.context?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      details: { ...event.details },
    };
    await this.#o.store.add(stored, attachment === undefined ? undefined : { ...attachment.alert, eventId: stored.id, userId: user.id });
    const template = SECURITY_TEMPLATES[event.kind];
    const values = usedBy(template, { ...noticeValues(user.email, stored), ...attachment?.values(stored.id) });
    await this.#o.mail.queue({ to: user.email, template, values });
    if (event.alsoNotify !== undefined && event.alsoNotify !== user.email) {
      await this.#o.mail.queue({ to: event.alsoNotify, template, values });
    }
    return stored;
  }

  /** `userId`'s events, newest first, below `before`. */
  list(userId: string, before: EventPosition | undefined, limit: number): Promise<readonly StoredSecurityEvent[]> {
    return this.#o.store.list(userId, before, limit);
  }
}

/** Only the values `template` has a placeholder for (the mail capability refuses any other). */
function usedBy(template: MailTemplate, values: Readonly<Record<string, string>>): Record<string, string> {
  const text = `${template.subject}\n${template.text}\n${template.html}`;
  return Object.fromEntries(Object.entries(values).filter(([key]) => text.includes(`{{${key}}}`)));
}

/** The values every notification is rendered with (security-templates.ts, NOTICE_VALUES). */
function noticeValues(account: string, event: StoredSecurityEvent): Record<string, string> {
  const details = Object.entries(event.details)
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${value}`)
    .join('\n');
  return {
    account,
    when: new Date(event.createdAt).toISOString(),
    address: placeOf(event.ip),
    device: deviceSummary(event.userAgent),
    details,
  };
}
