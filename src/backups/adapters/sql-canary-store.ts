/**
 * The drill canary's row (migration `0022-backups`): its account id, email and sealed password.
 * One row, id `canary`; inserted once, never updated.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { CanaryRecord } from '../ports/backup-ports.js';
import './backup-tables.js';

export async function findCanary(db: RampartKysely): Promise<CanaryRecord | undefined> {
  const row = await db.selectFrom('backup_canary').selectAll().where('id', '=', 'canary').executeTakeFirst();
  return row === undefined ? undefined : { userId: row.user_id, email: row.email, sealedPassword: row.sealed_password };
}

export async function insertCanary(db: RampartKysely, canary: CanaryRecord, now: number): Promise<void> {
  await db
    .insertInto('backup_canary')
    .values({ id: 'canary', user_id: canary.userId, email: canary.email, sealed_password: canary.sealedPassword, created_at: now })
    .execute();
}
