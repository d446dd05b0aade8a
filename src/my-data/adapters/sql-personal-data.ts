/**
 * {@link PersonalData} on the shared database: one user's rows, read for the caller's export. The
 * audit entries are those whose subject is the user or whose (clear) actor is the user, disclosed
 * with the subjects' keys; fields of another person are withheld (see {@link ownEntryView}).
 */
import { auditEntryView } from '../../audit/index.js';
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import type { AuditEntryView } from '../../audit/index.js';
import type { PersonalAuditEntries, PersonalData, PersonalRecords } from '../ports/personal-data.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { readEntryView } from '../../audit/index.js';
import type { ReadEntry, SqlAuditSubjects } from '../../audit/index.js';

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

export class SqlPersonalData implements PersonalData {
  readonly #db: RampartKysely;
  readonly #subjects: SqlAuditSubjects;

  constructor(db: RampartKysely, subjects: SqlAuditSubjects) {
    this.#db = db;
    this.#subjects = subjects;
  }

  async records(userId: string): Promise<PersonalRecords> {
    const db = this.#db;
    const [sessions, tokens, totp, codes, challenges, devices] = await Promise.all([
      db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
      db
        .selectFrom('password_tokens')
        .select(['created_at', 'expires_at', 'used_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute(),
      db.selectFrom('mfa_totp').select(['created_at', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst(),
      db.selectFrom('recovery_codes').select(['used_at']).where('user_id', '=', userId).execute(),
      db
        .selectFrom('mfa_challenges')
        .select(['device_name', 'attempts', 'created_at', 'expires_at', 'consumed_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute(),
      db
        .selectFrom('audit_known_devices')
        .select(['fingerprint', 'first_seen'])
        .where('subject', '=', userId)
        .orderBy('first_seen')
        .execute(),
    ]);
    return {
      sessions: sessions.map((row) => ({
        id: row.id,
        userId: row.user_id,
        deviceName: row.device_name,
        ip: row.ip,
        userAgent: row.user_agent,
        createdAt: Number(row.created_at),
        lastSeenAt: Number(row.last_seen_at),
        expiresAt: Number(row.expires_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
        revokeReason: row.revoke_reason,
      })),
      passwordTokens: tokens.map((row) => ({
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        usedAt: row.used_at === null ? null : Number(row.used_at),
      })),
      mfa: {
        totp:
          totp === undefined
            ? null
            : { createdAt: Number(totp.created_at), confirmedAt: totp.confirmed_at === null ? null : Number(totp.confirmed_at) },
        recoveryCodes: { total: codes.length, unused: codes.filter((row) => row.used_at === null).length },
      },
      mfaChallenges: challenges.map((row) => ({
        deviceName: row.device_name,
        attempts: Number(row.attempts),
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
      })),
      knownDevices: devices.map((row) => ({ fingerprint: row.fingerprint, firstSeen: Number(row.first_seen) })),
    };
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
