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
 * Counters live in an {@link AlertCounter}: this process's memory by default, Redis when the
 * deployment has it (`useCounter`), so several instances count together; devices are remembered
 * in the database. A rule that fails is logged and never fails the caller, whose event is already
 * durable. Alerts carry the triggering event's org, subject, source and request id.
 *
 * Each alert, once recorded, also goes to the listeners of {@link AlertChannel} (issue 22 item 1:
 * alerts reach a notification channel — identity mails the platform admins and emits the org's
 * `security.alert` webhook event); a listener that fails is logged, never the caller's.
 */
import { sha256 } from '../../kernel/crypto/digest.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { AuditKnownDevices } from '../ports/audit-known-devices.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AlertCounter } from '../ports/alert-counter.js';

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

/** The in-process {@link AlertCounter}: hit times per key within the window, bounded in the number of keys tracked. */
class MemoryAlertCounter implements AlertCounter {
  readonly #hits = new Map<string, number[]>();

  hit(key: string, now: number, windowMs: number): Promise<number> {
    const since = now - windowMs;
    const times = (this.#hits.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    this.#hits.delete(key);
    this.#hits.set(key, times);
    if (this.#hits.size > MAX_TRACKED) {
      const oldest = this.#hits.keys().next().value;
      if (oldest !== undefined) this.#hits.delete(oldest);
    }
    return Promise.resolve(times.length);
  }
}

/** An alert as its listeners receive it: the rule, and the triggering event's org, resource, subject and request. */
export interface RaisedAlert {
  readonly rule: AlertRule;
  /** The org the triggering event belongs to (`system` for platform events). */
  readonly org: string;
  readonly resource: string;
  /** The triggering event's action. */
  readonly event: string;
  readonly subject: string | undefined;
  readonly requestId: string | null;
  readonly at: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Where alerts go besides the audit log; the audit facade's `alerts`. */
export interface AlertChannel {
  /** Calls `listener` with each alert once it is recorded (in the process that raised it). */
  onAlert(listener: (alert: RaisedAlert) => Promise<void>): void;
  /** Counts the rules' hits in `counter` from now on (Redis: every instance together). */
  useCounter(counter: AlertCounter): void;
}

/** The channel of a log without alert rules (a log given by a test of another part): nothing is raised. */
export const NO_ALERTS: AlertChannel = Object.freeze({ onAlert: () => undefined, useCounter: () => undefined });

export class AlertingAuditLog implements AuditLog, AlertChannel {
  readonly #inner: AuditLog;
  readonly #o: AuditAlertOptions;
  #counter: AlertCounter = new MemoryAlertCounter();
  readonly #windowMs: number;
  readonly #accountThreshold: number;
  readonly #addressThreshold: number;
  readonly #listeners: ((alert: RaisedAlert) => Promise<void>)[] = [];

  constructor(inner: AuditLog, options: AuditAlertOptions) {
    this.#inner = inner;
    this.#o = options;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#accountThreshold = options.accountThreshold ?? 5;
    this.#addressThreshold = options.addressThreshold ?? 20;
  }

  onAlert(listener: (alert: RaisedAlert) => Promise<void>): void {
    this.#listeners.push(listener);
  }

  useCounter(counter: AlertCounter): void {
    this.#counter = counter;
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
      const forAccount = await this.#counter.hit(`account\n${account}`, now, this.#windowMs);
      if (forAccount === this.#accountThreshold) alerts.push({ rule: 'login_failures_account', details: { failures: forAccount } });
      if (event.sourceIp !== null) {
        const forAddress = await this.#counter.hit(`address\n${event.sourceIp}`, now, this.#windowMs);
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
    const alert: RaisedAlert = {
      rule,
      org: cause.org,
      resource: cause.resource,
      event: cause.action,
      subject: cause.subject,
      requestId: cause.requestId,
      at: this.#o.clock.now(),
      details,
    };
    for (const listener of this.#listeners) await listener(alert).catch(this.#o.onError);
  }
}
