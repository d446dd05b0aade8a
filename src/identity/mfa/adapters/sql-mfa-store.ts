/**
 * {@link MfaStore} on the shared database. Every single-use rule is one guarded statement, so the
 * database picks the winner: the TOTP step is `UPDATE … SET last_step = ? WHERE user_id = ? AND
 * (last_step IS NULL OR last_step < ?)`, a recovery code `UPDATE … WHERE used_at IS NULL
 * RETURNING`, a challenge attempt `UPDATE … SET attempts = attempts + 1 WHERE attempts < max`.
 */
import { sql } from 'kysely';
import type { ChallengeClaim, MfaStore, TotpEnrolment } from '../ports/mfa-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';

export class SqlMfaStore implements MfaStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async startTotp(userId: string, secretSealed: string, now: number): Promise<boolean> {
    // One statement: a pending enrolment is replaced, a confirmed one is left alone (the guard of the
    // update). Concurrent starts serialise on the row, so each of them replaces the pending one in
    // turn and none is refused as if a confirmed enrolment existed.
    const result = await this.#db
      .insertInto('mfa_totp')
      .values({ user_id: userId, secret_sealed: secretSealed, created_at: now, confirmed_at: null, last_step: null })
      .onConflict((conflict) =>
        conflict
          .column('user_id')
          .doUpdateSet((eb) => ({
            secret_sealed: eb.ref('excluded.secret_sealed'),
            created_at: eb.ref('excluded.created_at'),
            last_step: null,
          }))
          .where('mfa_totp.confirmed_at', 'is', null),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async findTotp(userId: string): Promise<TotpEnrolment | undefined> {
    const row = await this.#db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (row === undefined) return undefined;
    return Object.freeze({ userId, secretSealed: row.secret_sealed, confirmed: row.confirmed_at !== null, lastStep: row.last_step });
  }

  async confirmTotp(userId: string, step: number, codeHashes: readonly string[], now: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const confirmed = await trx
        .updateTable('mfa_totp')
        .set({ confirmed_at: now, last_step: step })
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .returning('user_id')
        .executeTakeFirst();
      if (confirmed === undefined) return false;
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx
        .insertInto('recovery_codes')
        .values(codeHashes.map((hash) => ({ user_id: userId, code_hash: hash, created_at: now, used_at: null })))
        .execute();
      return true;
    });
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    const row = await this.#db
      .updateTable('mfa_totp')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async consumeRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const row = await this.#db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async disableTotp(userId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      const removed = await trx.deleteFrom('mfa_totp').where('user_id', '=', userId).returning('user_id').executeTakeFirst();
      return removed !== undefined;
    });
  }

  async createChallenge(tokenHash: string, claim: ChallengeClaim, now: number, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('mfa_challenges')
      .values({
        token_hash: tokenHash,
        user_id: claim.userId,
        device_name: claim.deviceName,
        attempts: 0,
        created_at: now,
        expires_at: expiresAt,
        consumed_at: null,
      })
      .execute();
  }

  async spendAttempt(tokenHash: string, now: number, maxAttempts: number): Promise<ChallengeClaim | undefined> {
    const row = await this.#db
      .updateTable('mfa_challenges')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .returning(['user_id', 'device_name'])
      .executeTakeFirst();
    return row === undefined ? undefined : Object.freeze({ userId: row.user_id, deviceName: row.device_name });
  }

  async consumeChallenge(tokenHash: string, now: number): Promise<ChallengeClaim | undefined> {
    const row = await this.#db
      .updateTable('mfa_challenges')
      .set({ consumed_at: now })
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['user_id', 'device_name'])
      .executeTakeFirst();
    return row === undefined ? undefined : Object.freeze({ userId: row.user_id, deviceName: row.device_name });
  }
}
