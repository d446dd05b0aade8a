/**
 * Alert rules over the audit event stream, as an {@link AuditLog} decorator:
 * every event goes to the log first; once it is durable, the rules look at it and may record a
 * `security.alert` entry (and log a warning line). Callers do not change. The rules:
 *
 * - `login_failures_account`: `auth.login` failures for one account (the event's subject, or its
 *   resource) reaching `accountThreshold` within `windowMs` (default 5 in 15 minutes), raised
 *   once per window;
 * - `login_failures_address`: failures from one source address reaching `addressThreshold`
 *   (default 20 in 15 minutes), across accounts (password spraying);
 * - `refresh_token_theft`: an `auth.refresh_reuse` event (the refresh service detected a rotated
 *   refresh token presented again, and revoked the session);
 * - `new_device`: an `auth.login` success whose device — the user agent, fingerprinted with the
 *   user id — the user never signed in with before (not raised on a user's first sign-in);
 * - `secret_integrity`: a `secret.integrity_failed` event (a stored secret failed to open);
 * - `cloned_authenticator`: a `passkey.authenticate` failure for `counter_regression` (a passkey
 *   presented a signature counter that went backwards: WebAuthn Level 3 §6.1.1, a cloned authenticator).
 *
 * The rules compare the event's action, an `AuditAction`, with the actions they look for: one that
 * no capability declares (a misspelt rule) does not compile.
 *
 * Counters live in this process (with several instances, each counts what it sees); devices are
 * remembered in the database. A rule that fails is logged and never fails the caller, whose event
 * is already durable. Alerts carry the triggering event's org, subject, source and request id.
 */
import { sha256 } from '../../kernel/crypto/digest.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { AuditKnownDevices } from '../ports/audit-known-devices.js';
import type { Clock } from '../../kernel/ports/clock.js';

export const ALERT_ACTION = 'security.alert' satisfies AuditAction;

export type AlertRule =
  'login_failures_account' | 'login_failures_address' | 'refresh_token_theft' | 'new_device' | 'secret_integrity' | 'cloned_authenticator';

export interface AuditAlertOptions {
  readonly clock: Clock;
  readonly devices?: AuditKnownDevices;
  readonly accountThreshold?: number;
  readonly addressThreshold?: number;
  readonly windowMs?: number;
  /** The warning line for each alert (the logger's `warn`). */
  readonly warn: (fields: Readonly<Record<string, unknown>>, message: string) => void;
  /** A rule that could not run or an alert that could not be recorded. */
  readonly onError: (error: unknown) => void;
}

const MAX_TRACKED = 50_000;

/** Failure times per key within the window, bounded in the number of keys tracked. */
class SlidingCounter {
  readonly #hits = new Map<string, number[]>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records a hit at `now`; returns the hits within the window, this one included. */
  hit(key: string, now: number): number {
    const since = now - this.#windowMs;
    const times = (this.#hits.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    this.#hits.delete(key);
    this.#hits.set(key, times);
    if (this.#hits.size > MAX_TRACKED) {
      const oldest = this.#hits.keys().next().value;
      if (oldest !== undefined) this.#hits.delete(oldest);
    }
    return times.length;
  }
}

export class AlertingAuditLog implements AuditLog {
  readonly #inner: AuditLog;
  readonly #o: AuditAlertOptions;
  readonly #accounts: SlidingCounter;
  readonly #addresses: SlidingCounter;
  readonly #accountThreshold: number;
  readonly #addressThreshold: number;

  constructor(inner: AuditLog, options: AuditAlertOptions) {
    this.#inner = inner;
    this.#o = options;
    const windowMs = options.windowMs ?? 15 * 60_000;
    this.#accounts = new SlidingCounter(windowMs);
    this.#addresses = new SlidingCounter(windowMs);
    this.#accountThreshold = options.accountThreshold ?? 5;
    this.#addressThreshold = options.addressThreshold ?? 20;
  }

  async record(event: AuditEvent): Promise<void> {
    await this.#inner.record(event);
    if (event.action === ALERT_ACTION) return;
    try {
      for (const alert of await this.#rules(event)) await this.#raise(event, alert.rule, alert.details);
    } catch (error) {
      this.#o.onError(error);
    }
  }

  /** The log this one raises alerts in front of. */
  get inner(): AuditLog {
    return this.#inner;
  }

  eraseSubject(subject: string): Promise<void> {
    return this.#inner.eraseSubject?.(subject) ?? Promise.resolve();
  }

  async #rules(event: AuditEvent): Promise<{ rule: AlertRule; details: Record<string, unknown> }[]> {
    const alerts: { rule: AlertRule; details: Record<string, unknown> }[] = [];
    const now = this.#o.clock.now();
    if (event.action === 'auth.login' && event.result === 'failure') {
      const email = event.details?.email;
      const account = event.subject ?? (typeof email === 'string' ? `email:${email.toLowerCase()}` : event.resource);
      const forAccount = this.#accounts.hit(account, now);
      if (forAccount === this.#accountThreshold) alerts.push({ rule: 'login_failures_account', details: { failures: forAccount } });
      if (event.sourceIp !== null) {
        const forAddress = this.#addresses.hit(event.sourceIp, now);
        if (forAddress === this.#addressThreshold) alerts.push({ rule: 'login_failures_address', details: { failures: forAddress } });
      }
    } else if (event.action === 'auth.login' && event.result === 'success') {
      const user = event.subject ?? (event.actor.type === 'user' ? event.actor.id : null);
      if (user !== null && this.#o.devices !== undefined) {
        const fingerprint = sha256(`${user}
${event.userAgent ?? ''}`).toString('hex');
        if ((await this.#o.devices.sighted(user, fingerprint, now)) === 'new') alerts.push({ rule: 'new_device', details: {} });
      }
    } else if (event.action === 'auth.refresh_reuse') {
      alerts.push({ rule: 'refresh_token_theft', details: {} });
    } else if (event.action === 'secret.integrity_failed') {
      alerts.push({ rule: 'secret_integrity', details: {} });
    } else if (event.action === 'passkey.authenticate' && event.reason === 'counter_regression') {
      alerts.push({ rule: 'cloned_authenticator', details: {} });
    }
    return alerts;
  }

  async #raise(cause: AuditEvent, rule: AlertRule, details: Record<string, unknown>): Promise<void> {
    this.#o.warn({ rule, org: cause.org, resource: cause.resource, request_id: cause.requestId }, `security alert: ${rule}`);
    await this.#inner.record({
      org: cause.org,
      actor: { type: 'system', id: null },
      action: ALERT_ACTION,
      resource: cause.resource,
      result: 'success',
      reason: rule,
      sourceIp: cause.sourceIp,
      requestId: cause.requestId,
      ...(cause.userAgent === undefined ? {} : { userAgent: cause.userAgent }),
      details: { rule, event: cause.action, ...details },
      ...(cause.subject === undefined ? {} : { subject: cause.subject }),
    });
  }
}
