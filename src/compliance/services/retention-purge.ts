/**
 * The retention purge (issue 22 item 2): for every declared rule with a retention set, deletes the
 * rows that ended more than that many days ago. One run is one audited change: the cut-offs are
 * fixed once, the rows past them counted, and ONE `privacy.purge` entry (the counts per kind,
 * never a row) is recorded before anything is deleted — a log that cannot record stops the run
 * with nothing deleted; a run that fails midway adds `not_applied:<code>`. A dry run counts and
 * records nothing. Audit payloads are dropped by the audit log's own prune (leaf hashes stay).
 */
import { auditedChange } from '../../kernel/audited-change.js';
import type { RampartConfig } from '../../kernel/config.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { RetentionRule } from '../../kernel/part.js';
import type { AuditActor, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where the rows of a rule are counted and deleted. */
export interface RetentionStore {
  count(rule: RetentionRule, cutoff: number): Promise<number>;
  purge(rule: RetentionRule, cutoff: number): Promise<number>;
}

/** A kind its own capability purges (audit payloads: the log drops them and keeps the leaf hashes). */
export interface DelegatedPurge {
  count(cutoff: number): Promise<number>;
  purge(days: number): Promise<number>;
}

/** One kind's line of a run's report. */
export interface PurgedKind {
  readonly kind: string;
  readonly table: string;
  readonly variable: string;
  /** The retention in days, or null: kept (`off`), nothing deleted. */
  readonly days: number | null;
  /** Rows past the retention when the run started. */
  readonly matched: number;
  /** Rows deleted (0 in a dry run). */
  readonly deleted: number;
}

export interface PurgeReport {
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly kinds: readonly PurgedKind[];
}

export interface RetentionPurgeOptions {
  readonly rules: readonly RetentionRule[];
  /** The days of a rule's variable (compliance/config.ts `RETENTION_DAYS`); undefined: kept. */
  readonly daysOf: (rule: RetentionRule) => number | undefined;
  readonly store: RetentionStore;
  readonly delegated: Readonly<Record<string, DelegatedPurge>>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** The days of `rule` under `config`, through `table` (the variables by name): undefined when off or unknown. */
export function retentionDaysOf(
  table: Readonly<Record<string, (config: RampartConfig) => number | undefined>>,
  config: RampartConfig,
): (rule: RetentionRule) => number | undefined {
  return (rule) => table[rule.variable]?.(config);
}

export class RetentionPurge {
  readonly #o: RetentionPurgeOptions;

  constructor(options: RetentionPurgeOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** Counts (dry run) or purges every kind past its retention; see the module comment. */
  async run(options: { readonly dryRun: boolean; readonly actor?: AuditActor }): Promise<PurgeReport> {
    const startedAt = this.#o.clock.now();
    const plan = await Promise.all(
      this.#o.rules.map(async (rule) => {
        const days = this.#o.daysOf(rule);
        const cutoff = days === undefined ? undefined : startedAt - days * DAY_MS;
        const delegated = this.#o.delegated[rule.kind];
        let matched = 0;
        if (cutoff !== undefined)
          matched = delegated === undefined ? await this.#o.store.count(rule, cutoff) : await delegated.count(cutoff);
        return { rule, days, cutoff, matched };
      }),
    );
    const line = (entry: (typeof plan)[number], deleted: number): PurgedKind => ({
      kind: entry.rule.kind,
      table: entry.rule.table,
      variable: entry.rule.variable,
      days: entry.days ?? null,
      matched: entry.matched,
      deleted,
    });
    if (options.dryRun) return { dryRun: true, startedAt, finishedAt: this.#o.clock.now(), kinds: plan.map((entry) => line(entry, 0)) };
    // A list of {kind, rows}, not an object keyed by kind: a kind's name (`password_tokens`) is not a secret's field.
    const counts = plan.map((entry) => ({ kind: entry.rule.kind, rows: entry.days === undefined ? 'kept' : entry.matched }));
    const kinds = await auditedChange(
      this.#o.audit,
      {
        org: SYSTEM_ORG_SLUG,
        actor: options.actor ?? { type: 'system', id: null },
        action: 'privacy.purge',
        resource: 'retention',
        result: 'success',
        sourceIp: null,
        requestId: null,
        details: { started_at: new Date(startedAt).toISOString(), past_retention: counts },
      },
      async () => {
        const done: PurgedKind[] = [];
        for (const entry of plan) {
          if (entry.cutoff === undefined || entry.days === undefined || entry.matched === 0) {
            done.push(line(entry, 0));
            continue;
          }
          const delegated = this.#o.delegated[entry.rule.kind];
          const deleted = delegated === undefined ? await this.#o.store.purge(entry.rule, entry.cutoff) : await delegated.purge(entry.days);
          done.push(line(entry, deleted));
        }
        return done;
      },
    );
    return { dryRun: false, startedAt, finishedAt: this.#o.clock.now(), kinds };
  }
}
