/** {@link IdentityPersonalData} on the shared database: one user's identity rows, for the caller's export. */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { Session } from '../sessions/domain/session.js';
import type { IdentityPersonalData, MfaChallengeRecord, MfaRecord, PasswordTokenRecord } from '../ports/identity-personal-data.js';

const time = (value: number | null): number | null => (value === null ? null : Number(value));

export class SqlIdentityPersonalData implements IdentityPersonalData {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async sessions(userId: string): Promise<readonly Session[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      deviceName: row.device_name,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: Number(row.created_at),
      lastSeenAt: Number(row.last_seen_at),
      expiresAt: Number(row.expires_at),
      revokedAt: time(row.revoked_at),
      revokeReason: row.revoke_reason,
    }));
  }

  async passwordTokens(userId: string): Promise<readonly PasswordTokenRecord[]> {
    const rows = await this.#db
      .selectFrom('password_tokens')
      .select(['created_at', 'expires_at', 'used_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({ createdAt: Number(row.created_at), expiresAt: Number(row.expires_at), usedAt: time(row.used_at) }));
  }

  async mfa(userId: string): Promise<MfaRecord> {
    const [totp, codes] = await Promise.all([
      this.#db.selectFrom('mfa_totp').select(['created_at', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst(),
      this.#db.selectFrom('recovery_codes').select(['used_at']).where('user_id', '=', userId).execute(),
    ]);
    return {
      totp: totp === undefined ? null : { createdAt: Number(totp.created_at), confirmedAt: time(totp.confirmed_at) },
      recoveryCodes: { total: codes.length, unused: codes.filter((row) => row.used_at === null).length },
    };
  }

  async mfaChallenges(userId: string): Promise<readonly MfaChallengeRecord[]> {
    const rows = await this.#db
      .selectFrom('mfa_challenges')
      .select(['device_name', 'attempts', 'created_at', 'expires_at', 'consumed_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({
      deviceName: row.device_name,
      attempts: Number(row.attempts),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      consumedAt: time(row.consumed_at),
    }));
  }
}
