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
import {
  RefusalAggregator,
  REFUSAL_KEYS_TRACKED,
  REFUSAL_WINDOW_MS,
  REFUSALS_PER_WINDOW,
} from '../../../kernel/http/chain/refusal-aggregator.js';

/** The window the caps count in (the kernel's refusal aggregator's). */
export const CSRF_AUDIT_WINDOW_MS = REFUSAL_WINDOW_MS;
/** Entries per window per instance, all sessions together. */
export const CSRF_AUDIT_MAX_PER_WINDOW = REFUSALS_PER_WINDOW;
/** Sessions counted per window (and carried counts kept) at most. */
export const CSRF_AUDIT_MAX_TRACKED = REFUSAL_KEYS_TRACKED;

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
  /** The caps above, keyed by session (kernel/http/chain/refusal-aggregator.ts, shared with 429s). */
  readonly #refusals: RefusalAggregator;

  constructor(audit: AuditLog, clock: Clock) {
    this.#audit = audit;
    this.#refusals = new RefusalAggregator(clock);
  }

  /** Records `refusal`, or only counts it when a cap applies (see above). Rejects if the log fails. */
  async record(refusal: CsrfRefusal): Promise<void> {
    const session = refusal.sessionId;
    const due = this.#refusals.admit(session);
    if (due === undefined) return;
    const suppressed = due.suppressedBefore;
    const dropped = due.droppedBefore;
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
}
