/**
 * {@link AdminRecoveryStore} on the shared database: one system transaction creates or resets the
 * account and makes it an owner of the built-in `system` org, so a recovery is all or nothing.
 */
import { withSystem } from '../../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { appendEvent } from '../../../kernel/events/event-outbox.js';
import { SYSTEM_ORG_SLUG } from '../domain/user.js';
import type { AdminRecoveryStore, RecoveredAccount, RecoveryWrite } from '../ports/admin-recovery-store.js';
// The `password_change_required_at` column this file writes (migration 0029).
import type {} from './sql-password-change-requirements.js';

export class SqlAdminRecoveryStore implements AdminRecoveryStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async firstOwnerEmail(): Promise<string | undefined> {
    // System: the platform's owners are members of the `system` org, read before any scope exists.
    const row = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('memberships')
        .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.email')
        .where('orgs.slug', '=', SYSTEM_ORG_SLUG)
        .where('memberships.role', '=', 'owner')
        .orderBy('memberships.created_at')
        .orderBy('users.id')
        .limit(1)
        .executeTakeFirst(),
    );
    return row?.email;
  }

  async recover(write: RecoveryWrite): Promise<RecoveredAccount> {
    // System: the account and its membership of the `system` org are no tenant's rows.
    return withSystem(this.#db, async (trx) => {
      const org = await trx.selectFrom('orgs').select('id').where('slug', '=', SYSTEM_ORG_SLUG).executeTakeFirst();
      if (org === undefined) throw new Error('the system org does not exist: start the server once first');
      const existing = await trx.selectFrom('users').select('id').where('email', '=', write.email).executeTakeFirst();
      const id = existing?.id ?? write.newId;
      const changeRequiredAt = write.passwordHash === null ? null : write.now;
      if (existing === undefined) {
        await trx
          .insertInto('users')
          .values({
            id,
            email: write.email,
            name: 'Administrator',
            password_hash: write.passwordHash,
            status: 'active',
            created_at: write.now,
            updated_at: write.now,
            password_changed_at: write.passwordHash === null ? null : write.now,
            failed_logins: 0,
            next_login_at: null,
            email_verified_at: null,
            password_change_required_at: changeRequiredAt,
          })
          .execute();
        await appendEvent(trx, { type: 'user.created', orgId: null, data: { user_id: id } }, write.now);
      } else {
        // Re-enabled, its login backoff lifted, its password replaced (or removed for a set-password link).
        await trx
          .updateTable('users')
          .set({
            status: 'active',
            password_hash: write.passwordHash,
            password_changed_at: write.passwordHash === null ? null : write.now,
            password_change_required_at: changeRequiredAt,
            failed_logins: 0,
            next_login_at: null,
            updated_at: write.now,
          })
          .where('id', '=', id)
          .execute();
      }
      const membership = await trx
        .selectFrom('memberships')
        .select('role')
        .where('org_id', '=', org.id)
        .where('user_id', '=', id)
        .executeTakeFirst();
      if (membership === undefined) {
        await trx.insertInto('memberships').values({ org_id: org.id, user_id: id, role: 'owner', created_at: write.now }).execute();
      } else if (membership.role !== 'owner') {
        await trx.updateTable('memberships').set({ role: 'owner' }).where('org_id', '=', org.id).where('user_id', '=', id).execute();
      }
      return { id, orgId: org.id, created: existing === undefined, promoted: membership?.role !== 'owner' };
    });
  }
}
