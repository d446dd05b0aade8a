import type { RevokedSession } from '../domain/revocation-set.js';
import type { RefreshTokenRecord, Session, SessionRevokeReason } from '../domain/session.js';
import type { NewSession, RotationResult, SessionStore, StoredSession } from '../ports/session-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { withSystem } from '../../../kernel/adapters/sql/rls-scope.js';
import type { RefreshTokenTable, SessionTable } from '../../adapters/identity-tables.js';

declare module '../../adapters/identity-tables.js' {
  interface SessionTable {
    /** When the user last proved who they are on this session, ms (migration 0014); null: never fresh. */
    authenticated_at: number | null;
    /** The end no refresh moves, ms (migration 0029); null only on a row written before it. */
    absolute_expires_at: number | null;
  }
}

function toSession(row: SessionTable): StoredSession {
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    deviceName: row.device_name,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokeReason: row.revoke_reason,
    cookieSecretHash: row.cookie_secret_hash,
    dpopJkt: row.dpop_jkt,
    authenticatedAt: row.authenticated_at ?? 0,
    absoluteExpiresAt: row.absolute_expires_at ?? row.expires_at,
  });
}

function toToken(row: RefreshTokenTable): RefreshTokenRecord {
  return Object.freeze({
    tokenHash: row.token_hash,
    sessionId: row.session_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    spentAt: row.spent_at,
    successorHash: row.successor_hash,
  });
}

/**
 * {@link SessionStore} on the shared database. Rotation is one guarded statement,
 * `UPDATE refresh_tokens SET spent_at, successor_hash WHERE token_hash = ? AND spent_at IS NULL
 * AND expires_at > now AND <session live> RETURNING session_id`, followed by the successor's
 * insert in the same transaction: the database picks the one winner (PostgreSQL re-checks the
 * WHERE after a concurrent writer commits; SQLite serialises writers), never a read-then-write.
 */
export class SqlSessionStore implements SessionStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async create(session: NewSession): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          device_name: session.deviceName,
          ip: session.ip,
          user_agent: session.userAgent,
          created_at: session.now,
          last_seen_at: session.now,
          expires_at: session.expiresAt,
          revoked_at: null,
          revoke_reason: null,
          dpop_jkt: session.dpopJkt ?? null,
          cookie_secret_hash: session.cookieSecretHash ?? null,
          authenticated_at: session.now,
          absolute_expires_at: session.absoluteExpiresAt ?? session.expiresAt,
        })
        .execute();
      if (session.refreshTokenHash === null) return;
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: session.refreshTokenHash,
          session_id: session.id,
          created_at: session.now,
          expires_at: session.expiresAt,
          spent_at: null,
          successor_hash: null,
        })
        .execute();
    });
  }

  async find(id: string): Promise<StoredSession | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toSession(row);
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.#db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row === undefined ? undefined : toToken(row);
  }

  async findByRefreshToken(tokenHash: string): Promise<StoredSession | undefined> {
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', (eb) => eb.selectFrom('refresh_tokens').select('session_id').where('token_hash', '=', tokenHash))
      .executeTakeFirst();
    return row === undefined ? undefined : toSession(row);
  }

  async touch(id: string, now: number, idleSince: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .where('last_seen_at', '>=', idleSince)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async replaceCookieSession(
    oldId: string,
    replacement: { readonly id: string; readonly cookieSecretHash: string },
    now: number,
    reason: SessionRevokeReason,
  ): Promise<StoredSession | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      // The guarded revoke picks the one winner: a second replacement of the same id finds it revoked.
      const old = await trx
        .updateTable('sessions')
        .set({ revoked_at: now, revoke_reason: reason })
        .where('id', '=', oldId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('cookie_secret_hash', 'is not', null)
        .returningAll()
        .executeTakeFirst();
      if (old === undefined) return undefined;
      const row: SessionTable = {
        ...old,
        id: replacement.id,
        last_seen_at: now,
        revoked_at: null,
        revoke_reason: null,
        cookie_secret_hash: replacement.cookieSecretHash,
      };
      await trx.insertInto('sessions').values(row).execute();
      return toSession(row);
    });
  }

  async revokeCookieSessionsOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]> {
    const rows = await this.#db
      .updateTable('sessions')
      .set({ revoked_at: now, revoke_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('cookie_secret_hash', 'is not', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async rotateRefreshToken(oldHash: string, newHash: string, now: number, expiresAt: number): Promise<RotationResult> {
    return this.#db.transaction().execute(async (trx): Promise<RotationResult> => {
      const spent = await trx
        .updateTable('refresh_tokens')
        .set({ spent_at: now, successor_hash: newHash })
        .where('token_hash', '=', oldHash)
        .where('spent_at', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) =>
          eb('session_id', 'in', eb.selectFrom('sessions').select('id').where('revoked_at', 'is', null).where('expires_at', '>', now)),
        )
        .returning('session_id')
        .executeTakeFirst();
      if (spent !== undefined) {
        await trx
          .insertInto('refresh_tokens')
          .values({
            token_hash: newHash,
            session_id: spent.session_id,
            created_at: now,
            expires_at: expiresAt,
            spent_at: null,
            successor_hash: null,
          })
          .execute();
        const session = await trx
          .updateTable('sessions')
          .set({ last_seen_at: now, expires_at: expiresAt })
          .where('id', '=', spent.session_id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { outcome: 'rotated', session: toSession(session) };
      }
      const row = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', oldHash).executeTakeFirst();
      if (row === undefined) return { outcome: 'unknown' };
      if (row.spent_at !== null) return { outcome: 'spent', token: toToken(row) };
      if (row.expires_at <= now) return { outcome: 'expired' };
      return { outcome: 'session_ended', sessionId: row.session_id };
    });
  }

  async markAuthenticated(id: string, userId: string, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ authenticated_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async revoke(id: string, now: number, reason: SessionRevokeReason): Promise<boolean> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ revoked_at: now, revoke_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async revokeAllOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]> {
    const rows = await this.#db
      .updateTable('sessions')
      .set({ revoked_at: now, revoke_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async revokeEvery(now: number, reason: SessionRevokeReason, scope: { readonly orgId?: string; readonly keep?: string }): Promise<number> {
    const { orgId, keep } = scope;
    // System: an org's members are read across the memberships of every org (a tenant table), and
    // sessions are the users', not the org's.
    return withSystem(this.#db, async (trx) => {
      let update = trx
        .updateTable('sessions')
        .set({ revoked_at: now, revoke_reason: reason })
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now);
      if (keep !== undefined) update = update.where('id', '!=', keep);
      if (orgId !== undefined) {
        update = update.where('user_id', 'in', (eb) => eb.selectFrom('memberships').select('user_id').where('org_id', '=', orgId));
      }
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  async listLive(userId: string, now: number): Promise<readonly Session[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSession);
  }

  async revokedSince(since: number): Promise<readonly RevokedSession[]> {
    const rows = await this.#db.selectFrom('sessions').select(['id', 'revoked_at']).where('revoked_at', '>=', since).execute();
    // An erased user's sessions are gone; their tombstones keep them refused (decision 004).
    const tombs = await this.#db.selectFrom('session_tombstones').selectAll().where('revoked_at', '>=', since).execute();
    return [
      ...rows.map((row) => Object.freeze({ sessionId: row.id, revokedAt: row.revoked_at ?? since })),
      ...tombs.map((row) => Object.freeze({ sessionId: row.session_id, revokedAt: row.revoked_at })),
    ];
  }
}
