/**
 * Purges job output older than the retention period (`RAMPART_JOBS_LOG_RETENTION`), every
 * {@link PURGE_MS} on an unref'd timer. The purge is recorded first
 * (`jobs.logs.purge`, under the system org, with the cut-off): when the log cannot record it,
 * nothing is purged and the next round tries again.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { JobStore } from '../ports/job-store.js';
import { SYSTEM_ACTOR } from './job-audit.js';

const PURGE_MS = 60 * 60 * 1000;

export class LogRetention {
  readonly #store: JobStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: JobStore, audit: AuditLog, clock: Clock, retentionSeconds: number, onError: (error: unknown) => void) {
    this.#store = store;
    this.#audit = audit;
    this.#clock = clock;
    this.#retentionMs = retentionSeconds * 1000;
    this.#onError = onError;
  }

  start(): void {
    this.#timer = setInterval(() => void this.purge().catch(this.#onError), PURGE_MS);
    this.#timer.unref();
  }

  /** Deletes output written before the retention period; how many chunks went (none recorded when there were none). */
  async purge(): Promise<number> {
    const before = this.#clock.now() - this.#retentionMs;
    if (!(await this.#store.hasLogsBefore(before))) return 0;
    return auditedChange(
      this.#audit,
      {
        org: SYSTEM_ORG_SLUG,
        actor: SYSTEM_ACTOR,
        action: 'jobs.logs.purge',
        resource: 'job-logs',
        result: 'success',
        sourceIp: null,
        requestId: null,
        details: { before: new Date(before).toISOString() },
      },
      () => this.#store.purgeLogs(before),
    );
  }

  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    return Promise.resolve();
  }
}
