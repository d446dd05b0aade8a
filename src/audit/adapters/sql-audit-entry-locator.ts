/**
 * The {@link AuditEntryLocator} on the log's tables: `audit_entries` by `resource` (index
 * `audit_entries_resource`, migration 0020-signing), action and result. The table is
 * deployment-wide (no row-level security): the caller decides what it may see.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { AuditEntryLocator, LocatedAuditEntry } from '../ports/audit-entry-locator.js';

export class SqlAuditEntryLocator implements AuditEntryLocator {
  readonly #db: RampartKysely;
  readonly #integrate: () => Promise<unknown>;

  constructor(db: RampartKysely, integrate: () => Promise<unknown>) {
    this.#db = db;
    this.#integrate = integrate;
  }

  async locate(
    resource: string,
    action: string,
    options: { readonly org?: string; readonly limit?: number } = {},
  ): Promise<readonly LocatedAuditEntry[]> {
    const org = options.org;
    let query = this.#db
      .selectFrom('audit_entries')
      .select(['leaf_index', 'org', 'timestamp', 'leaf'])
      .where('resource', '=', resource)
      .where('action', '=', action)
      .where('result', '=', 'success');
    if (org !== undefined) query = query.where('org', '=', org);
    const rows = await query
      .orderBy('leaf_index', 'asc')
      .limit(Math.max(1, Math.min(options.limit ?? 16, 256)))
      .execute();
    // PostgreSQL answers bigint columns as text.
    return rows.map((row) => ({ index: Number(row.leaf_index), org: row.org, timestamp: Number(row.timestamp), leaf: row.leaf }));
  }

  async integrate(): Promise<void> {
    await this.#integrate();
  }
}
