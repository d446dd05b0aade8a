/**
 * New-device alerts (issue 18, item 2; docs/decisions/029-new-device-alerts.md). The rules:
 * 1. a device is known to an account when the sign-in throttle would trust it
 *    (accounts/domain/login-trust.ts: a valid device token, a DPoP key or the same address and
 *    user agent as a sign-in since the later of 90 days ago and the last password change), or
 *    when its owner confirmed it ("this was me"); the account's very first sign-in is not alerted;
 * 2. a sign-in from any other device stores one `sign_in_new_device` event with its alert and
 *    queues one mail with two signed links, once the session is open: the alert never holds up
 *    or fails the sign-in; when the device cannot be judged (the history cannot be read) it is
 *    alerted (fail closed: the owner is told rather than not);
 * 3. the links work once — either of them spends both — and until RAMPART_NEW_DEVICE_LINK_TTL;
 *    a tampered, unknown, used or expired link is refused the same way and changes nothing;
 * 4. "this was me" confirms the device's keys; "this wasn't me" revokes the sign-in's session
 *    (or, asked, every session of the account) on every instance through the revoker and the
 *    bus, forgets the device if it was confirmed, and asks for a password reset. Both are
 *    audited entry first (kernel/audited-change.ts): the link is checked, the entry recorded, and
 *    only then the links spent (one guarded UPDATE) with the change — a log that cannot record
 *    leaves the link working and nothing changed (503 `audit_unavailable`).
 */
import { sha256 } from '../../../kernel/crypto/digest.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { DeviceTokens } from '../../accounts/crypto/device-token.js';
import { loginSourceKey } from '../../accounts/domain/login-source.js';
import { judgeTrust, TRUST_HISTORY_LIMIT, TRUST_WINDOW_MS } from '../../accounts/domain/login-trust.js';
import type { User } from '../../accounts/domain/user.js';
import type { SignInHistory } from '../../accounts/ports/sign-in-history.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import { USER_AGENT_MAX } from '../../sessions/services/new-session.js';
import type { AlertAction, SecurityTokens } from '../crypto/security-tokens.js';
import { deviceSummary, placeOf } from '../domain/device-summary.js';
import type { PasswordResetRequest } from '../ports/password-reset-request.js';
import type { SecurityEventStore } from '../ports/security-event-store.js';
import type { AfterSignIn, SignInDevice, SignInWatch } from '../ports/sign-in-watch.js';
import type { SecurityEvents } from './security-events.js';

export interface NewDeviceAlertsOptions {
  readonly store: SecurityEventStore;
  readonly events: Pick<SecurityEvents, 'store'>;
  readonly history: SignInHistory;
  readonly deviceTokens: DeviceTokens;
  readonly tokens: SecurityTokens;
  readonly users: Pick<UserStore, 'findById'>;
  readonly revoker: Pick<SessionRevoker, 'revoke' | 'revokeAllOfUser'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** RAMPART_PUBLIC_URL: where the links point. */
  readonly publicUrl: string;
  /** How long the links work, in ms. */
  readonly linkTtlMs: number;
  /** Logs an alert that could not be stored or mailed. */
  readonly onError: (error: unknown) => void;
}

/** What a link's page may show: nothing about the account or the device. */
export interface AlertLinkState {
  readonly action: AlertAction;
  /** `pending`: the link works; `spent`: it was used, expired, or is not a link this server signed. */
  readonly state: 'pending' | 'spent';
}

/** The answer of a used link. */
export interface AlertOutcome {
  readonly action: AlertAction;
  /** Sessions revoked ("this wasn't me"); empty for "this was me". */
  readonly revokedSessions: readonly string[];
  /** Whether a password reset was started (mailed); false when no reset flow is composed. */
  readonly passwordReset: boolean;
}

/** The path of a link (GET shows a page, POST acts); `{token}` is the signed link token. */
export const ALERT_LINK_PATH = '/api/v1/auth/new-device/';

export class NewDeviceAlerts implements SignInWatch {
  readonly #o: NewDeviceAlertsOptions;
  #reset: PasswordResetRequest | undefined;

  constructor(options: NewDeviceAlertsOptions) {
    this.#o = options;
  }

  /** Sets the password-reset flow "this wasn't me" starts (the email flows, composed after this). */
  useResets(reset: PasswordResetRequest): void {
    this.#reset = reset;
  }

  async judge(user: User, device: SignInDevice, context: RequestContext): Promise<AfterSignIn | undefined> {
    const now = this.#o.clock.now();
    const token = device.deviceToken === undefined ? undefined : this.#o.deviceTokens.verify(device.deviceToken, user.id, now);
    const keys = deviceKeys(user.id, { tokenId: token?.deviceId, dpopJkt: device.dpopJkt, context });
    try {
      if ((await this.#o.history.recent(user.id, 0, 1)).length === 0) return undefined;
      const since = Math.max(now - TRUST_WINDOW_MS, user.passwordChangedAt ?? 0);
      const history = await this.#o.history.recent(user.id, since, TRUST_HISTORY_LIMIT);
      const trust = judgeTrust(
        {
          source: loginSourceKey(context.ip ?? ''),
          userAgent: context.userAgent?.slice(0, USER_AGENT_MAX),
          dpopJkt: device.dpopJkt,
          deviceTokenIssuedAt: token?.issuedAt,
        },
        history,
        since,
      );
      if (trust.trusted !== undefined || (await this.#o.store.known(user.id, keys))) return undefined;
    } catch (error) {
      // Fail closed: a device that cannot be judged is alerted.
      this.#o.onError(error);
    }
    return (sessionId, issued) => this.#alert(user, keys, context, sessionId, issued);
  }

  async #alert(user: User, keys: readonly string[], context: RequestContext, sessionId: string, issued: Secret<string>): Promise<void> {
    try {
      const now = this.#o.clock.now();
      const issuedId = this.#o.deviceTokens.verify(issued.reveal(), user.id, now)?.deviceId;
      const allKeys = issuedId === undefined ? keys : [...keys, digestOf(user.id, `token:${issuedId}`)];
      const expiresAt = now + this.#o.linkTtlMs;
      await this.#o.events.store(
        {
          userId: user.id,
          kind: 'sign_in_new_device',
          context,
          details: { device: deviceSummary(context.userAgent), place: placeOf(context.ip) },
        },
        {
          alert: { sessionId, deviceKeys: allKeys, expiresAt },
          values: (eventId) => ({
            confirm_url: this.#url(eventId, 'confirm'),
            revoke_url: this.#url(eventId, 'revoke'),
            expires: new Date(expiresAt).toISOString(),
          }),
        },
      );
    } catch (error) {
      this.#o.onError(error);
    }
  }

  #url(eventId: string, action: AlertAction): string {
    return new URL(`${ALERT_LINK_PATH}${this.#o.tokens.link(eventId, action)}`, this.#o.publicUrl).href;
  }

  /** What the page of `token` may show (a GET: changes nothing, safe for mail scanners to follow). */
  async state(token: string): Promise<AlertLinkState | undefined> {
    const link = this.#o.tokens.openLink(token);
    if (link === undefined) return undefined;
    const alert = await this.#o.store.alert(link.eventId);
    const pending = alert !== undefined && alert.resolution === null && alert.expiresAt > this.#o.clock.now();
    return { action: link.action, state: pending ? 'pending' : 'spent' };
  }

  /**
   * Uses the link `token` (a POST): "this was me" confirms the device, "this wasn't me" revokes
   * the sign-in's session (every session with `everywhere`) and asks for a password reset.
   */
  async use(token: string, everywhere: boolean, context: RequestContext): Promise<AlertOutcome> {
    const link = this.#o.tokens.openLink(token);
    const pending = link === undefined ? undefined : await this.#o.store.alert(link.eventId);
    if (link === undefined || pending === undefined || pending.resolution !== null || pending.expiresAt <= this.#o.clock.now()) {
      throw spentLink();
    }
    const user = await this.#o.users.findById(pending.userId);
    if (user === undefined) throw spentLink();
    const confirm = link.action === 'confirm';
    const event = userAuditEvent({
      userId: user.id,
      action: confirm ? 'auth.new_device.confirm' : 'auth.new_device.revoke',
      resource: pending.eventId,
      context,
      details: confirm ? { session: pending.sessionId } : { session: pending.sessionId, everywhere },
    });
    // Entry first; the guarded UPDATE spends the links inside the change (a concurrent use that
    // spent them first leaves this one `not_applied:token_invalid`).
    const revokedSessions = await auditedChange(this.#o.audit, event, async () => {
      const alert = await this.#o.store.resolve(pending.eventId, confirm ? 'confirmed' : 'revoked', this.#o.clock.now());
      if (alert === undefined) throw spentLink();
      if (confirm) {
        await this.#o.store.confirm(user.id, alert.deviceKeys, this.#o.clock.now());
        return [];
      }
      await this.#o.store.forget(user.id, alert.deviceKeys);
      if (everywhere) return this.#o.revoker.revokeAllOfUser(user.id, 'not_me');
      return (await this.#o.revoker.revoke(alert.sessionId, 'not_me')) ? [alert.sessionId] : [];
    });
    if (confirm) return { action: 'confirm', revokedSessions: [], passwordReset: false };
    return { action: 'revoke', revokedSessions, passwordReset: await this.#requestReset(user, context) };
  }

  /** Starts the password reset, when a reset flow is composed; a failure is logged, the revocation stands. */
  async #requestReset(user: User, context: RequestContext): Promise<boolean> {
    if (this.#reset === undefined) return false;
    try {
      await this.#reset.requestReset(user, context);
      return true;
    } catch (error) {
      this.#o.onError(error);
      return false;
    }
  }
}

/** The one refusal of a link: tampered, unknown, used and expired look the same. */
function spentLink(): DomainError {
  return new DomainError('token_invalid', 'This link is not valid: it was used already, has expired, or was never sent');
}

/** The digests of the device's keys, per account: never the keys or the address themselves. */
function deviceKeys(
  userId: string,
  device: { readonly tokenId: string | undefined; readonly dpopJkt: string | undefined; readonly context: RequestContext },
): readonly string[] {
  const keys = [
    digestOf(userId, `fingerprint:${loginSourceKey(device.context.ip ?? '')}\n${device.context.userAgent?.slice(0, USER_AGENT_MAX) ?? ''}`),
  ];
  if (device.tokenId !== undefined) keys.push(digestOf(userId, `token:${device.tokenId}`));
  if (device.dpopJkt !== undefined) keys.push(digestOf(userId, `dpop:${device.dpopJkt}`));
  return keys;
}

function digestOf(userId: string, key: string): string {
  return sha256(userId, '\n', key).toString('hex');
}
