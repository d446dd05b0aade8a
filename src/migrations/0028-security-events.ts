/**
 * Security events, new-device alerts and known devices (src/identity/security/,
 * docs/decisions/029-new-device-alerts.md):
 * - `security_events`: what an account's owner is told about (kind, time, address, user agent,
 *   details as JSON: metadata only, never a secret), listed newest first at
 *   `GET /api/v1/me/security-events`;
 * - `new_device_alerts`: the state of a `sign_in_new_device` event's two one-time links — the
 *   session it names, the digests of the device's keys, when the links expire and when (and how)
 *   one of them was used; a guarded UPDATE spends them;
 * - `known_devices`: devices their owner confirmed ("this was me"), by digest of a device key.
 * Every table names its user with a cascading foreign key: erasing the account erases them.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0028: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_events')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'varchar(40)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('ip', 'varchar(64)')
      .addColumn('user_agent', 'varchar(512)')
      .addColumn('details', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('security_events_user_created').on('security_events').columns(['user_id', 'created_at', 'id']).execute();
    await db.schema
      .createTable('new_device_alerts')
      .addColumn('event_id', 'varchar(40)', (col) => col.primaryKey().references('security_events.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('session_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('device_keys', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('resolution', 'varchar(16)')
      .execute();
    await db.schema.createIndex('new_device_alerts_user_id').on('new_device_alerts').column('user_id').execute();
    await db.schema
      .createTable('known_devices')
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('device_key', 'varchar(64)', (col) => col.notNull())
      .addColumn('confirmed_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('known_devices_pk', ['user_id', 'device_key'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('known_devices').execute();
    await db.schema.dropTable('new_device_alerts').execute();
    await db.schema.dropTable('security_events').execute();
  },
};
