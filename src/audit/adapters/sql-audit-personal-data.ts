/**
 * {@link AuditPersonalData} on the shared database: the known devices of a user, and the audit
 * entries whose subject is the user or whose (clear) actor is the user, disclosed with the
 * subjects' keys; fields of another person — the address and user agent of a request the user
 * did not provably make, another subject's details — are withheld (see {@link ownEntryView}).
 */
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { auditEntryView } from '../crypto/audit-leaf.js';
import type { AuditPersonalData, KnownDeviceRecord, PersonalAuditEntries } from '../ports/audit-personal-data.js';
import type { AuditEntryView } from '../ports/audit-reader.js';
import { readEntryView } from './sql-audit-reader.js';
import type { ReadEntry, SqlAuditSubjects } from './sql-audit-subjects.js';

/** The fields that place a request: whose they are depends on who made it. */
const REQUEST_CONTEXT: ReadonlySet<string> = new Set(['source_ip', 'user_agent', 'details.ip', 'details.user_agent']);

/**
 * Whether the entry proves that `userId` made its request: they are its actor, and it succeeded.
 * A refused attempt names the account it aimed at, not who tried (a failed sign-in against the
 * account by anyone who knows its address), and an entry of another actor or of the system (an
 * alert raised on someone's failures) carries that request's context, not the user's.
 */
function madeByUser(entry: AuditEntry, userId: string): boolean {
  return entry.actor.type === 'user' && entry.actor.id === userId && entry.result === 'success';
}

/**
 * An entry as its user may see it: a request's `source_ip` and `user_agent` (and `details.ip`,
 * `details.user_agent`) belong to whoever made the request, shown only when the entry proves it
 * was the user ({@link madeByUser}); other personal `details` belong to the entry's subject.
 * Fields of another person are left out and named in `withheld` (GDPR Art. 15(4)).
 */
export function ownEntryView(read: ReadEntry, userId: string): AuditEntryView {
  if (read.dropped !== undefined || read.personal === undefined) return readEntryView(read);
  const disclosed = read.disclosed;
  const subjectIsUser = read.entry.subject === userId;
  const ownRequest = madeByUser(disclosed, userId);
  const withheld = read.personal.fields.filter((field) =>
    REQUEST_CONTEXT.has(field) ? !ownRequest : field.startsWith('details.') ? !subjectIsUser : false,
  );
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
