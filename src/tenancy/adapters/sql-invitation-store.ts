/**
 * {@link InvitationStore} on the shared database. The org's side runs through {@link withTenant}
 * (RLS on PostgreSQL) and filters by `scope.orgId` as well. The invitee's side crosses orgs by
 * design — an invitee has no scope in an org they have not joined — and runs in system
 * transactions, always filtered by the invitee's own email. Accepting deletes the invitation with
 * `DELETE … RETURNING` (one winner) and inserts the membership in the same transaction.
 */
import type { AcceptOutcome, Invitation, ReceivedInvitation } from '../domain/invitation.js';
import type { InvitationStore } from '../ports/invitation-store.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { withSystem, withTenant } from '../../kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';

interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: string;
  invited_by: string;
  created_at: number | string;
  expires_at: number | string;
}

function toInvitation(row: InvitationRow): Invitation {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  });
}

/** Marks the rollback of an accept whose invitee already belongs to the org. */
class AlreadyMember extends Error {}

export class SqlInvitationStore implements InvitationStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  create(scope: TenantScope, invitation: Invitation): Promise<void> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      await trx.deleteFrom('org_invitations').where('org_id', '=', scope.orgId).where('email', '=', invitation.email).execute();
      await trx
        .insertInto('org_invitations')
        .values({
          id: invitation.id,
          org_id: scope.orgId,
          email: invitation.email,
          role: invitation.role,
          invited_by: invitation.invitedBy,
          created_at: invitation.createdAt,
          expires_at: invitation.expiresAt,
        })
        .execute();
      const data = { invitation_id: invitation.id, role: invitation.role, expires_at: new Date(invitation.expiresAt).toISOString() };
      await appendEvent(trx, { type: 'invitation.created', orgId: scope.orgId, data }, invitation.createdAt);
    });
  }

  list(scope: TenantScope, now: number): Promise<readonly Invitation[]> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const rows = await trx
        .selectFrom('org_invitations')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toInvitation);
    });
  }

  revoke(scope: TenantScope, id: string): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const result = await trx.deleteFrom('org_invitations').where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await appendEvent(trx, { type: 'invitation.closed', orgId: scope.orgId, data: { invitation_id: id } }, Date.now());
      return true;
    });
  }

  // System: an invitee's invitations span orgs they do not belong to (yet).
  receivedBy(email: string, now: number): Promise<readonly ReceivedInvitation[]> {
    return withSystem(this.#db, async (trx) => {
      const rows = await trx
        .selectFrom('org_invitations')
        .innerJoin('orgs', 'orgs.id', 'org_invitations.org_id')
        .selectAll('org_invitations')
        .select(['orgs.slug as org_slug', 'orgs.name as org_name'])
        .where('org_invitations.email', '=', email)
        .where('org_invitations.expires_at', '>', now)
        .orderBy('org_invitations.created_at', 'desc')
        .orderBy('org_invitations.id')
        .execute();
      return rows.map((row) => Object.freeze({ ...toInvitation(row), org: { id: row.org_id, slug: row.org_slug, name: row.org_name } }));
    });
  }

  // System: the invitee is not a member of the invitation's org.
  async addressedTo(id: string, email: string): Promise<Invitation | undefined> {
    const row = await withSystem(this.#db, (trx) =>
      trx.selectFrom('org_invitations').selectAll().where('id', '=', id).where('email', '=', email).executeTakeFirst(),
    );
    return row === undefined ? undefined : toInvitation(row);
  }

  // System: the membership is created before any scope of the invitee in the org can exist.
  async accept(id: string, email: string, userId: string, now: number): Promise<AcceptOutcome> {
    try {
      return await withSystem(this.#db, async (trx) => {
        const taken = await trx
          .deleteFrom('org_invitations')
          .where('id', '=', id)
          .where('email', '=', email)
          .returning(['org_id', 'role'])
          .executeTakeFirst();
        if (taken === undefined) return 'gone';
        const existing = await trx
          .selectFrom('memberships')
          .select('role')
          .where('org_id', '=', taken.org_id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (existing !== undefined) throw new AlreadyMember();
        await trx.insertInto('memberships').values({ org_id: taken.org_id, user_id: userId, role: taken.role, created_at: now }).execute();
        await appendEvent(
          trx,
          { type: 'invitation.accepted', orgId: taken.org_id, data: { invitation_id: id, user_id: userId, role: taken.role } },
          now,
        );
        await appendEvent(trx, { type: 'member.added', orgId: taken.org_id, data: { user_id: userId, role: taken.role } }, now);
        return 'joined';
      });
    } catch (error) {
      // Joined meanwhile (or already a member): the invitation is spent all the same.
      if (error instanceof AlreadyMember || isUniqueViolation(error)) {
        await this.decline(id, email);
        return 'already_member';
      }
      throw error;
    }
  }

  // System: as accept.
  async decline(id: string, email: string): Promise<boolean> {
    return withSystem(this.#db, async (trx) => {
      const taken = await trx
        .deleteFrom('org_invitations')
        .where('id', '=', id)
        .where('email', '=', email)
        .returning('org_id')
        .executeTakeFirst();
      if (taken === undefined) return false;
      await appendEvent(trx, { type: 'invitation.closed', orgId: taken.org_id, data: { invitation_id: id } }, Date.now());
      return true;
    });
  }
}
