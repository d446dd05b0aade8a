/**
 * {@link AuditPersonalData} on the shared database: the known devices of a user, and the audit
 * entries whose subject is the user or whose (clear) actor is the user, disclosed with the
 * subjects' keys; fields of another person are withheld (see {@link ownEntryView}).
 */
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { auditEntryView } from '../crypto/audit-leaf.js';
import type { AuditPersonalData, KnownDeviceRecord, PersonalAuditEntries } from '../ports/audit-personal-data.js';
import type { AuditEntryView } from '../ports/audit-reader.js';
import { readEntryView } from './sql-audit-reader.js';
import type { ReadEntry, SqlAuditSubjects } from './sql-audit-subjects.js';

/**
 * An entry as its user may see it: a request's `source_ip` and `user_agent` belong to whoever
 * acted, personal `details` to the entry's subject. Fields of another person are left out and
 * named in `withheld` (GDPR Art. 15(4)).
 */
export function ownEntryView(read: ReadEntry, userId: string): AuditEntryView {
  if (read.dropped !== undefined || read.personal === undefined) return readEntryView(read);
  const disclosed = read.disclosed;
  const subjectIsUser = read.entry.subject === userId;
  const actedByOther = disclosed.actor.type === 'user' && disclosed.actor.id !== userId;
  const withheld = read.personal.fields.filter((field) => (field.startsWith('details.') ? !subjectIsUser : actedByOther));
  if (withheld.length === 0) return readEntryView(read);
  let entry: AuditEntry = disclosed;
  for (const field of withheld) {
    if (field === 'source_ip') entry = { ...entry, sourceIp: null };
    else if (field === 'user_agent') {
      const { userAgent: _left, ...rest } = entry;
      entry = rest;
    } else if (field.startsWith('details.') && entry.details !== undefined) {
      const { [field.slice('details.'.length)]: _left, ...details } = entry.details;
      entry = { ...entry, details };
    }
  }
  return { ...auditEntryView(entry, read.leafHash), withheld };
}

export class SqlAuditPersonalData implements AuditPersonalData {
  readonly #db: RampartKysely;
  readonly #subjects: SqlAuditSubjects;

  constructor(db: RampartKysely, subjects: SqlAuditSubjects) {
    this.#db = db;
    this.#subjects = subjects;
  }

  async knownDevices(userId: string): Promise<readonly KnownDeviceRecord[]> {
    const rows = await this.#db
      .selectFrom('audit_known_devices')
      .select(['fingerprint', 'first_seen'])
      .where('subject', '=', userId)
      .orderBy('first_seen')
      .execute();
    return rows.map((row) => ({ fingerprint: row.fingerprint, firstSeen: Number(row.first_seen) }));
  }

  async auditEntries(userId: string, limit: number): Promise<PersonalAuditEntries> {
    const rows = await this.#db
      .selectFrom('audit_entries')
      .selectAll()
      .where((eb) => eb.or([eb('subject', '=', userId), eb('actor_id', '=', userId)]))
      .where('payload', 'is', null)
      .orderBy('leaf_index', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const entries = (await this.#subjects.read(this.#db, page)).map((read) => ownEntryView(read, userId));
    return { entries, truncated: rows.length > limit };
  }
}
