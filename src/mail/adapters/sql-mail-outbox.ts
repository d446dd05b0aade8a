/**
 * {@link MailOutbox} on the shared database. Every query runs in a system transaction: the
 * outbox is one queue for the deployment — the worker crosses orgs by design, and most mail
 * (verification, password reset) belongs to no org; `org_id` only lets org deletion remove an
 * org's unsent mail. A claim is one guarded UPDATE whose WHERE repeats the due condition, so of
 * two workers (on any instances) racing for a row exactly one updates it; every later update is
 * guarded by the claim id.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import type { ClaimedMail, MailOutbox, NewOutboxMail } from '../ports/mail-outbox.js';
import type { ExpressionBuilder } from 'kysely';
import type { RampartDatabase } from '../../kernel/adapters/sql/schema.js';

type Outbox = ExpressionBuilder<RampartDatabase, 'mail_outbox'>;

/** Pending and due, or claimed by a worker whose lease has run out (it crashed mid-send). */
function isDue(eb: Outbox, now: number) {
  return eb.or([
    eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
    eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
  ]);
}

export class SqlMailOutbox implements MailOutbox {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async insert(mail: NewOutboxMail): Promise<void> {
    await withSystem(this.#db, (trx) =>
      trx
        .insertInto('mail_outbox')
        .values({
          id: mail.id,
          org_id: mail.orgId,
          template: mail.template,
          sealed: mail.sealed,
          status: 'pending',
          attempts: 0,
          next_attempt_at: mail.now,
          claim_id: null,
          claimed_until: null,
          last_error: null,
          created_at: mail.now,
          updated_at: mail.now,
          sent_at: null,
        })
        .execute(),
    );
  }

  async due(now: number, limit: number): Promise<readonly string[]> {
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('mail_outbox')
        .select('id')
        .where((eb) => isDue(eb, now))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => row.id);
  }

  async claim(id: string, claimId: string, now: number, leaseMs: number): Promise<ClaimedMail | undefined> {
    return withSystem(this.#db, async (trx) => {
      const claimed = await trx
        .updateTable('mail_outbox')
        .set((eb) => ({
          status: 'sending',
          claim_id: claimId,
          claimed_until: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('sealed', 'is not', null)
        .where((eb) => isDue(eb, now))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return undefined;
      const row = await trx
        .selectFrom('mail_outbox')
        .select(['id', 'org_id', 'template', 'sealed', 'attempts'])
        .where('id', '=', id)
        .where('claim_id', '=', claimId)
        .executeTakeFirst();
      if (row?.sealed == null) return undefined;
      return { id: row.id, orgId: row.org_id, template: row.template, sealed: row.sealed, attempts: row.attempts, claimId };
    });
  }

  async sent(claim: ClaimedMail, now: number): Promise<boolean> {
    return this.#finish(claim, {
      status: 'sent',
      sealed: null,
      sent_at: now,
      last_error: null,
      claim_id: null,
      claimed_until: null,
      updated_at: now,
    });
  }

  async retry(claim: ClaimedMail, code: string, nextAttemptAt: number, now: number): Promise<boolean> {
    return this.#finish(claim, {
      status: 'pending',
      next_attempt_at: nextAttemptAt,
      last_error: code,
      claim_id: null,
      claimed_until: null,
      updated_at: now,
    });
  }

  async dead(claim: ClaimedMail, code: string, now: number): Promise<boolean> {
    return this.#finish(claim, { status: 'dead', sealed: null, last_error: code, claim_id: null, claimed_until: null, updated_at: now });
  }

  async nextDue(): Promise<number | undefined> {
    const row = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('mail_outbox')
        .select((eb) => eb.fn.min('next_attempt_at').as('due'))
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    return row?.due === null || row?.due === undefined ? undefined : Number(row.due);
  }

  async purge(before: number): Promise<number> {
    const result = await withSystem(this.#db, (trx) =>
      trx
        .deleteFrom('mail_outbox')
        .where((eb) =>
          eb.or([eb.and([eb('status', 'in', ['sent', 'dead']), eb('updated_at', '<', before)]), eb('created_at', '<', before)]),
        )
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }

  async #finish(claim: ClaimedMail, values: Partial<RampartDatabase['mail_outbox']>): Promise<boolean> {
    const result = await withSystem(this.#db, (trx) =>
      trx.updateTable('mail_outbox').set(values).where('id', '=', claim.id).where('claim_id', '=', claim.claimId).executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }
}
