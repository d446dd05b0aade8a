/**
 * CSRF refusals in the audit log (`auth.csrf_failed`, result `failure`): a cookie-authenticated
 * unsafe request that failed the CSRF rule is a policy violation — most often a forged request
 * from another site riding the user's session — and the user's auditors should see it.
 *
 * The refusal runs before the rate limiter (the browser layer sits right after authentication),
 * and an attacker's page can make a victim's browser send forged requests as fast as it likes, so
 * an entry per refusal would let any web page write into the permanent log at will. The entries
 * are therefore aggregated, per instance, over a fixed window ({@link CSRF_AUDIT_WINDOW_MS}):
 * 1. at most one entry per session in a window; later refusals of the same session in it are only
 *    counted, and the count is carried by the session's next entry as `suppressed_before`;
 * 2. at most {@link CSRF_AUDIT_MAX_PER_WINDOW} entries in a window in all; refusals past that are
 *    counted and the count is carried by the next entry written as `dropped_before`;
 * 3. the counters are bounded ({@link CSRF_AUDIT_MAX_TRACKED} sessions): a flood of sessions
 *    cannot grow memory, only the `dropped_before` count.
 * So a page can cost at most one write per session per window and a fixed number of writes per
 * window per instance, however many requests it forges; the log still shows that it happened.
 */
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';

/** The window the caps count in. */
export const CSRF_AUDIT_WINDOW_MS = 60_000;
/** Entries per window per instance, all sessions together. */
export const CSRF_AUDIT_MAX_PER_WINDOW = 100;
/** Sessions counted per window (and carried counts kept) at most. */
export const CSRF_AUDIT_MAX_TRACKED = 10_000;

/** One refused request: who it rode on and what it tried. */
export interface CsrfRefusal {
  readonly userId: string;
  /** The cookie session the request carried. */
  readonly sessionId: string;
  readonly method: string;
  /** The route pattern (`/api/v1/orgs/:org`), never the raw URL. */
  readonly route: string;
  /** The `Origin` the request named, if any (capped and redacted by the audit log). */
  readonly origin: string | undefined;
  readonly context: RequestContext;
}

export class CsrfRefusalAudit {
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  #windowStart = Number.NEGATIVE_INFINITY;
  /** Sessions with an entry in this window → refusals since that entry. */
  #inWindow = new Map<string, number>();
  /** Refusals counted but not yet reported, by session, from earlier windows. */
  #carried = new Map<string, number>();
  #written = 0;
  #dropped = 0;

  constructor(audit: AuditLog, clock: Clock) {
    this.#audit = audit;
    this.#clock = clock;
  }

  /** Records `refusal`, or only counts it when a cap applies (see above). Rejects if the log fails. */
  async record(refusal: CsrfRefusal): Promise<void> {
    this.#roll(this.#clock.now());
    const session = refusal.sessionId;
    const since = this.#inWindow.get(session);
    if (since !== undefined) {
      this.#inWindow.set(session, since + 1);
      return;
    }
    if (this.#written >= CSRF_AUDIT_MAX_PER_WINDOW || this.#inWindow.size >= CSRF_AUDIT_MAX_TRACKED) {
      this.#dropped += 1;
      return;
    }
    this.#inWindow.set(session, 0);
    this.#written += 1;
    const suppressed = this.#carried.get(session) ?? 0;
    this.#carried.delete(session);
    const dropped = this.#dropped;
    this.#dropped = 0;
    await this.#audit.record(
      userAuditEvent({
        userId: refusal.userId,
        action: 'auth.csrf_failed',
        resource: session,
        context: refusal.context,
        reason: 'csrf_failed',
        details: {
          method: refusal.method,
          route: refusal.route,
          ...(refusal.origin === undefined ? {} : { origin: refusal.origin }),
          ...(suppressed === 0 ? {} : { suppressed_before: suppressed }),
          ...(dropped === 0 ? {} : { dropped_before: dropped }),
        },
      }),
    );
  }

  /** Starts a new window when the current one is over, carrying the uncounted refusals. */
  #roll(now: number): void {
    if (now - this.#windowStart < CSRF_AUDIT_WINDOW_MS) return;
    this.#windowStart = now;
    for (const [session, count] of this.#inWindow) {
      if (count === 0) continue;
      if (this.#carried.size >= CSRF_AUDIT_MAX_TRACKED && !this.#carried.has(session)) this.#dropped += count;
      else this.#carried.set(session, (this.#carried.get(session) ?? 0) + count);
    }
    this.#inWindow = new Map();
    this.#written = 0;
  }
}
