/**
 * {@link AuditReader} and {@link AuditForgetting} on the shared database: the org-scoped listing
 * (newest first, by index, with the spec's filters, through the `(org, leaf_index)` index),
 * pages in index order for `rampart audit tail`, and retention. Personal fields are disclosed
 * with their subjects' keys (`SqlAuditSubjects.read`).
 */
import { auditEntryView, droppedEntryView } from '../crypto/audit-leaf.js';
import type { AuditForgetting, AuditEntryView, AuditListFilter, AuditListPage, AuditReader } from '../ports/audit-reader.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { SqlAuditSubjects, type ReadEntry } from './sql-audit-subjects.js';

export function readEntryView(read: ReadEntry): AuditEntryView {
  if (read.dropped !== undefined) return droppedEntryView(read.index, read.timestamp, read.leafHash, read.dropped);
  return auditEntryView(read.disclosed, read.leafHash);
}

export class SqlAuditReader implements AuditReader, AuditForgetting {
  readonly #db: RampartKysely;
  readonly #subjects: SqlAuditSubjects;

  constructor(db: RampartKysely, subjects: SqlAuditSubjects) {
    this.#db = db;
    this.#subjects = subjects;
  }

  async list(filter: AuditListFilter): Promise<AuditListPage> {
    let query = this.#db
      .selectFrom('audit_entries')
      .selectAll()
      .where('org', 'in', [...filter.orgs])
      .where('payload', 'is', null)
      .orderBy('leaf_index', 'desc')
      .limit(filter.limit + 1);
    if (filter.before !== undefined) query = query.where('leaf_index', '<', filter.before);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.result !== undefined) query = query.where('result', '=', filter.result);
    if (filter.since !== undefined) query = query.where('timestamp', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('timestamp', '<', filter.until);
    const actor = filter.actor;
    if (actor !== undefined) {
      // A sealed actor id is its entry's subject (audit/crypto/audit-personal.ts).
      query = query.where((eb) =>
        eb.or([
          eb('actor_id', '=', actor),
          eb.and([eb('subject', '=', actor), eb('actor_id', 'is', null), eb('personal', 'like', '%"actor.id"%')]),
        ]),
      );
    }
    const rows = await query.execute();
    const page = rows.slice(0, filter.limit);
    const entries = (await this.#subjects.read(this.#db, page)).map(readEntryView);
    const last = page[page.length - 1];
    return { entries, next: rows.length > filter.limit && last !== undefined ? Number(last.leaf_index) : null };
  }

  async from(from: number, limit: number): Promise<AuditEntryView[]> {
    const rows = await this.#db
      .selectFrom('audit_entries')
      .selectAll()
      .where('leaf_index', '>=', from)
      .orderBy('leaf_index')
      .limit(limit)
      .execute();
    return (await this.#subjects.read(this.#db, rows)).map(readEntryView);
  }

  /** Up to `limit` stored entries from `from` on, as read (disclosed, or dropped), for the export. */
  async readFrom(from: number, limit: number): Promise<ReadEntry[]> {
    const rows = await this.#db
      .selectFrom('audit_entries')
      .selectAll()
      .where('leaf_index', '>=', from)
      .orderBy('leaf_index')
      .limit(limit)
      .execute();
    return this.#subjects.read(this.#db, rows);
  }

  expire(before: number): Promise<number> {
    return this.#subjects.expire(this.#db, before);
  }
}
