/**
 * {@link AuditKnownDevices} on the shared database (`audit_known_devices`, migration 0011). Erasing
 * a subject deletes its rows (`SqlAuditSubjects.erase`).
 */
import type { AuditKnownDevices, DeviceSighting } from '../ports/audit-known-devices.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';

export class SqlAuditKnownDevices implements AuditKnownDevices {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async sighted(subject: string, fingerprint: string, now: number): Promise<DeviceSighting> {
    const inserted = await this.#db
      .insertInto('audit_known_devices')
      .values({ subject, fingerprint, first_seen: now })
      .onConflict((oc) => oc.columns(['subject', 'fingerprint']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return 'known';
    const other = await this.#db
      .selectFrom('audit_known_devices')
      .select('fingerprint')
      .where('subject', '=', subject)
      .where('fingerprint', '!=', fingerprint)
      .limit(1)
      .executeTakeFirst();
    return other === undefined ? 'first' : 'new';
  }
}
