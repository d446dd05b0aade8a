/**
 * {@link RevocationSequence} on the shared database (table `revocation_sequence`, migration 0015).
 * Appends are serialised so that position order is commit order: on PostgreSQL each append takes
 * a transaction-level advisory lock before it draws its position (two concurrent inserts could
 * otherwise commit in the other order, and a reader that saw the later one would skip the
 * earlier); SQLite has a single writer already. Revocations are rare next to reads, so the lock
 * costs nothing that matters.
 */
import { sql, type Generated } from 'kysely';
import type { RevocationEvent, RevocationKind } from '../../ports/revocation-bus.js';
import type { RevocationSequence, SequencedRevocation } from '../../ports/revocation-sequence.js';
import type { RampartKysely } from './schema.js';
import type { SqlDialectName } from './sql-database.js';

/** The advisory lock of appends (any fixed bigint distinct from the audit integrator's). */
const APPEND_LOCK = 7_261_706_517_650_001;

export interface RevocationSequenceTable {
  seq: Generated<number>;
  kind: string;
  target: string;
  revoked_at: number;
  recorded_at: number;
}

declare module './schema.js' {
  interface RampartDatabase {
    revocation_sequence: RevocationSequenceTable;
  }
}

const KINDS: ReadonlySet<string> = new Set<RevocationKind>(['session', 'api_key', 'client', 'authz', 'user']);

export class SqlRevocationSequence implements RevocationSequence {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async append(event: RevocationEvent, recordedAt: number): Promise<number> {
    const row = { kind: event.kind, target: event.id, revoked_at: event.revokedAt, recorded_at: recordedAt };
    const inserted =
      this.#dialect === 'postgres'
        ? await this.#db.transaction().execute(async (trx) => {
            await sql`select pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
            return trx.insertInto('revocation_sequence').values(row).returning('seq').executeTakeFirstOrThrow();
          })
        : await this.#db.insertInto('revocation_sequence').values(row).returning('seq').executeTakeFirstOrThrow();
    return Number(inserted.seq);
  }

  async after(seq: number, limit: number): Promise<SequencedRevocation[]> {
    const rows = await this.#db
      .selectFrom('revocation_sequence')
      .select(['seq', 'kind', 'target', 'revoked_at'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    // A row of an unknown kind (written by a newer version) is skipped, not delivered as garbage.
    return rows
      .filter((row) => KINDS.has(row.kind))
      .map((row) =>
        Object.freeze({ seq: Number(row.seq), kind: row.kind as RevocationKind, id: row.target, revokedAt: Number(row.revoked_at) }),
      );
  }

  async head(): Promise<number> {
    const row = await this.#db
      .selectFrom('revocation_sequence')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async oldest(): Promise<number> {
    const row = await this.#db
      .selectFrom('revocation_sequence')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async purge(before: number): Promise<number> {
    const newest = await this.head();
    const result = await this.#db
      .deleteFrom('revocation_sequence')
      .where('recorded_at', '<', before)
      .where('seq', '<', newest)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
