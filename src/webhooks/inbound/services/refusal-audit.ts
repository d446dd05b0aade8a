/**
 * Refused inbound requests in the audit log (`webhook.inbound_refused`, result `failure`): a bad
 * or missing signature or a stale timestamp on a known source is either an attack on that source
 * or a sender misconfigured, and the org's auditors should see it. Anyone on the internet can
 * send such requests, so, as for CSRF refusals (identity/browser/services/csrf-refusal-audit.ts),
 * entries are aggregated per instance over a fixed window: at most one entry per source per
 * window (later refusals counted and carried by its next entry as `suppressed_before`), at most
 * {@link REFUSAL_AUDIT_MAX_PER_WINDOW} entries per window in all (the rest counted as
 * `dropped_before`), and a bounded number of sources tracked. Unknown sources (404) are not audited.
 */
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import {
  RefusalAggregator,
  REFUSAL_KEYS_TRACKED,
  REFUSAL_WINDOW_MS,
  REFUSALS_PER_WINDOW,
} from '../../../kernel/http/chain/refusal-aggregator.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { HookScheme, RefusalReason } from '../domain/hook-source.js';

export const REFUSAL_AUDIT_WINDOW_MS = REFUSAL_WINDOW_MS;
export const REFUSAL_AUDIT_MAX_PER_WINDOW = REFUSALS_PER_WINDOW;
export const REFUSAL_AUDIT_MAX_TRACKED = REFUSAL_KEYS_TRACKED;

export interface HookRefusal {
  /** The audit entry's org: the source's org id, or `system` for a platform source. */
  readonly org: string;
  readonly sourceKey: string;
  readonly scheme: HookScheme;
  readonly reason: RefusalReason;
  readonly context: RequestContext;
}

export class HookRefusalAudit {
  readonly #audit: AuditLog;
  /** The caps, keyed by source (kernel/http/chain/refusal-aggregator.ts, shared with CSRF and 429s). */
  readonly #refusals: RefusalAggregator;

  constructor(audit: AuditLog, clock: Clock) {
    this.#audit = audit;
    this.#refusals = new RefusalAggregator(clock);
  }

  /** Records `refusal`, or only counts it when a cap applies. Rejects if the log fails. */
  async record(refusal: HookRefusal): Promise<void> {
    const source = refusal.sourceKey;
    const due = this.#refusals.admit(source);
    if (due === undefined) return;
    const suppressed = due.suppressedBefore;
    const dropped = due.droppedBefore;
    const { context } = refusal;
    await this.#audit.record({
      org: refusal.org,
      actor: { type: 'system', id: null },
      action: 'webhook.inbound_refused',
      resource: `hook_source:${source}`,
      result: 'failure',
      reason: refusal.reason,
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: {
        scheme: refusal.scheme,
        ...(suppressed === 0 ? {} : { suppressed_before: suppressed }),
        ...(dropped === 0 ? {} : { dropped_before: dropped }),
      },
    });
  }
}
