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
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { HookScheme, RefusalReason } from '../domain/hook-source.js';

export const REFUSAL_AUDIT_WINDOW_MS = 60_000;
export const REFUSAL_AUDIT_MAX_PER_WINDOW = 100;
export const REFUSAL_AUDIT_MAX_TRACKED = 10_000;

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
  readonly #clock: Clock;
  #windowStart = Number.NEGATIVE_INFINITY;
  #inWindow = new Map<string, number>();
  #carried = new Map<string, number>();
  #written = 0;
  #dropped = 0;

  constructor(audit: AuditLog, clock: Clock) {
    this.#audit = audit;
    this.#clock = clock;
  }

  /** Records `refusal`, or only counts it when a cap applies. Rejects if the log fails. */
  async record(refusal: HookRefusal): Promise<void> {
    this.#roll(this.#clock.now());
    const source = refusal.sourceKey;
    const since = this.#inWindow.get(source);
    if (since !== undefined) {
      this.#inWindow.set(source, since + 1);
      return;
    }
    if (this.#written >= REFUSAL_AUDIT_MAX_PER_WINDOW || this.#inWindow.size >= REFUSAL_AUDIT_MAX_TRACKED) {
      this.#dropped += 1;
      return;
    }
    this.#inWindow.set(source, 0);
    this.#written += 1;
    const suppressed = this.#carried.get(source) ?? 0;
    this.#carried.delete(source);
    const dropped = this.#dropped;
    this.#dropped = 0;
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

  #roll(now: number): void {
    if (now - this.#windowStart < REFUSAL_AUDIT_WINDOW_MS) return;
    this.#windowStart = now;
    for (const [source, count] of this.#inWindow) {
      if (count === 0) continue;
      if (this.#carried.size >= REFUSAL_AUDIT_MAX_TRACKED && !this.#carried.has(source)) this.#dropped += count;
      else this.#carried.set(source, (this.#carried.get(source) ?? 0) + count);
    }
    this.#inWindow = new Map();
    this.#written = 0;
  }
}
