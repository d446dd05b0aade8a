/**
 * Upgrades, on every backend: a store of each previous schema version, holding rows written the
 * way that version wrote them, is migrated to the latest and checked. One step per migration —
 * every new migration adds its row to STEPS (a test below fails until it does).
 */
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDirectory } from '../../src/adapters/fs/data-directory.js';
import { MIGRATIONS } from '../../src/adapters/sql/migrations/index.js';
import { migrateTo, migrateToLatest, openDatabase, type SqlDatabase } from '../../src/adapters/sql/sql-database.js';
import { SqlIdempotencyStore } from '../../src/adapters/sql/sql-idempotency-store.js';
import { Secret } from '../../src/domain/secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';

/**
 * One upgrade. `seed` runs on a store at `from` and writes with raw SQL of that version's schema
 * (not today's query builders, which follow the latest schema); `check` runs after the upgrade.
 */
interface UpgradeStep {
  readonly to: string;
  readonly from: string;
  seed(db: Kysely<unknown>): Promise<void>;
  check(database: SqlDatabase): Promise<void>;
}

const STEPS: readonly UpgradeStep[] = [
  {
    to: '0002-idempotency-keys',
    from: '0001-meta',
    async seed(db) {
      await sql`insert into rampart_meta (key, value) values (${'deployment_id'}, ${'dep_upgrade_test'})`.execute(db);
    },
    async check(database) {
      const meta = await database.db.selectFrom('rampart_meta').select(['key', 'value']).orderBy('key').execute();
      expect(meta.map((row) => row.key)).toEqual(['deployment_id', 'schema_created_at']);
      expect(meta.find((row) => row.key === 'deployment_id')?.value).toBe('dep_upgrade_test');
      expect(Number.isNaN(Date.parse(meta.find((row) => row.key === 'schema_created_at')?.value ?? ''))).toBe(false);

      const store = new SqlIdempotencyStore(database.db);
      const now = Date.UTC(2026, 0, 1);
      const claim = {
        scope: 'ip:192.0.2.1',
        key: 'upgrade',
        fingerprint: 'f'.repeat(64),
        now,
        expiresAt: now + 86_400_000,
        lockedUntil: now + 60_000,
      };
      expect(await store.begin(claim)).toEqual({ state: 'claimed' });
      const stored = { status: 201, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"id":"x"}').toString('base64') };
      await store.complete(claim, stored);
      expect(await store.begin({ ...claim, now: now + 1 })).toEqual({
        state: 'completed',
        fingerprint: claim.fingerprint,
        response: stored,
      });
    },
  },
];

function applied(database: SqlDatabase): Promise<string[]> {
  return sql<{ name: string }>`select name from kysely_migration order by name`
    .execute(database.db)
    .then((result) => result.rows.map((row) => row.name));
}

it('every migration after the first has an upgrade step, in order', () => {
  const names = Object.keys(MIGRATIONS);
  expect(STEPS.map((step) => step.to)).toEqual(names.slice(1));
  expect(STEPS.map((step) => step.from)).toEqual(names.slice(0, -1));
});

for (const backend of await backends()) {
  describe(`migrations on ${backend.name}`, () => {
    let store: BackendInstance;
    let database: SqlDatabase;

    beforeEach(async () => {
      store = await backend.create();
      prepareDataDirectory(store.dataDir);
      database = openDatabase({ url: store.databaseUrl === undefined ? undefined : new Secret(store.databaseUrl), dataDir: store.dataDir });
    });

    afterEach(async () => {
      await database?.close();
      await store?.cleanup();
    });

    for (const step of STEPS) {
      it(`upgrades ${step.from} → ${step.to} with the rows of ${step.from} intact`, async () => {
        await migrateTo(database, step.from);
        expect((await applied(database)).at(-1)).toBe(step.from);
        await step.seed(database.db as unknown as Kysely<unknown>);
        await migrateToLatest(database);
        expect(await applied(database)).toEqual(Object.keys(MIGRATIONS));
        await step.check(database);
      });
    }

    it('migrateToLatest on an up-to-date store is a no-op', async () => {
      const first = await migrateToLatest(database);
      expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(Object.keys(MIGRATIONS).map((name) => [name, 'Success']));
      await sql`insert into rampart_meta (key, value) values (${'marker'}, ${'kept'})`.execute(database.db);

      const second = await migrateToLatest(database);
      expect(second.results).toEqual([]);
      expect(await applied(database)).toEqual(Object.keys(MIGRATIONS));
      const marker = await database.db.selectFrom('rampart_meta').select('value').where('key', '=', 'marker').executeTakeFirst();
      expect(marker?.value).toBe('kept');
    });
  });
}
