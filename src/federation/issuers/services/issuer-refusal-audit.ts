/**
 * Refused issuer tokens in the audit log (`federation.issuer_token`, result `failure`), aggregated
 * so that a flood of forged tokens cannot write into the permanent log at will (as the tenant
 * authorizer does for denials, docs/decisions/013-invitations.md):
 * 1. the first refusal of an (issuer, reason) in a {@link REFUSAL_WINDOW_MS} window is recorded at
 *    once, and the refusal waits for it (fail closed: no record, no answer but 503);
 * 2. further ones in the window are counted, and written as one entry with `details.count` when the
 *    window closes (a timer) and at `close()`;
 * 3. every token whose `iss` names no configured issuer shares one key, whatever it claims, so the
 *    entries are bounded by the configured issuers × the reasons, not by the attacker's inventiveness.
 * The claimed `iss` of an untrusted token is kept (capped and redacted by the log) to help an
 * operator spot a misconfigured client; the token itself never is.
 */
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import { redactText } from '../../../kernel/domain/redaction.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { IssuerRefusalReason } from '../domain/issuer-refusal.js';

/** The window over which repeated refusals of one (issuer, reason) become one entry. */
export const REFUSAL_WINDOW_MS = 60_000;
const MAX_CLAIMED_ISSUER = 200;

/** One refused token: whose it claimed to be, why, and from where. */
export interface IssuerRefusal {
  /** The configured issuer's name, or `undefined` when `iss` named none. */
  readonly issuer: string | undefined;
  /** The `iss` the token claimed, for an untrusted one. */
  readonly claimedIssuer?: string | undefined;
  readonly reason: IssuerRefusalReason;
  readonly ip: string | null;
  readonly userAgent: string | undefined;
}

interface RefusalWindow {
  readonly startedAt: number;
  latest: AuditEvent;
  count: number;
}

export class IssuerRefusalAudit {
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #windows = new Map<string, RefusalWindow>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(audit: AuditLog, clock: Clock) {
    this.#audit = audit;
    this.#clock = clock;
  }

  /** Starts the timer that writes out closed windows; `onError` hears of a summary that could not be written. */
  start(onError: (error: unknown) => void): void {
    this.#timer = setInterval(() => void this.flush().catch(onError), REFUSAL_WINDOW_MS);
    this.#timer.unref();
  }

  /** Writes out every open window, then stops the timer. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush(true);
  }

  /** Records `refusal` at once when it opens a window, else counts it (rule 1, 2). Rejects when the log fails. */
  async record(refusal: IssuerRefusal): Promise<void> {
    const now = this.#clock.now();
    const key = `${refusal.issuer ?? ''}\u0000${refusal.reason}`;
    const event = this.#eventOf(refusal);
    const open = this.#windows.get(key);
    if (open !== undefined && now - open.startedAt < REFUSAL_WINDOW_MS) {
      open.count += 1;
      open.latest = event;
      return;
    }
    if (open !== undefined) {
      this.#windows.delete(key);
      await this.#writeSummary(open, now);
    }
    // Opened before the entry is written, so that concurrent refusals count in it rather than race.
    const window: RefusalWindow = { startedAt: now, latest: event, count: 0 };
    this.#windows.set(key, window);
    try {
      await this.#audit.record(event);
    } catch (error) {
      if (this.#windows.get(key) === window) this.#windows.delete(key);
      throw error;
    }
  }

  /** Writes one entry per closed window (`all`: every open one) holding uncounted refusals. */
  async flush(all = false): Promise<void> {
    const now = this.#clock.now();
    const failures: unknown[] = [];
    for (const [key, window] of [...this.#windows]) {
      if (!all && now - window.startedAt < REFUSAL_WINDOW_MS) continue;
      this.#windows.delete(key);
      await this.#writeSummary(window, now).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  async #writeSummary(window: RefusalWindow, now: number): Promise<void> {
    if (window.count === 0) return;
    const { latest } = window;
    await this.#audit.record({
      ...latest,
      details: {
        ...latest.details,
        count: window.count,
        window_started_at: new Date(window.startedAt).toISOString(),
        window_ended_at: new Date(Math.min(now, window.startedAt + REFUSAL_WINDOW_MS)).toISOString(),
      },
    });
  }

  #eventOf(refusal: IssuerRefusal): AuditEvent {
    const agent = refusal.userAgent;
    const claimed = refusal.issuer === undefined && refusal.claimedIssuer !== undefined ? refusal.claimedIssuer : undefined;
    return {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'service', id: refusal.issuer === undefined ? null : `issuer:${refusal.issuer}` },
      action: 'federation.issuer_token',
      resource: refusal.issuer ?? 'untrusted',
      result: 'failure',
      reason: refusal.reason,
      sourceIp: refusal.ip,
      // The request id is not known to authenticators yet; the IP and user agent place the attempt.
      requestId: null,
      // A user agent shaped like a credential would make the log refuse the entry: it is left out.
      ...(typeof agent === 'string' && redactText(agent) === agent ? { userAgent: agent.slice(0, 512) } : {}),
      details: {
        issuer: refusal.issuer ?? null,
        ...(claimed === undefined ? {} : { claimed_issuer: claimed.slice(0, MAX_CLAIMED_ISSUER) }),
      },
    };
  }
}
