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
import { SqlAuditLog } from '../../src/adapters/sql/sql-audit-log.js';
import { SqlIdempotencyStore } from '../../src/adapters/sql/sql-idempotency-store.js';
import { SqlSessionStore } from '../../src/adapters/sql/sql-session-store.js';
import { SqlUserStore } from '../../src/adapters/sql/sql-user-store.js';
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
  {
    to: '0003-identity',
    from: '0002-idempotency-keys',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into idempotency_keys (scope, key, fingerprint, state, status, headers, body, created_at, expires_at, locked_until)
        values (${'ip:192.0.2.1'}, ${'upgrade'}, ${'f'.repeat(64)}, ${'completed'}, ${201}, ${'{}'}, ${''}, ${now}, ${now + 86_400_000}, ${now + 60_000})`.execute(
        db,
      );
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      expect(await database.db.selectFrom('idempotency_keys').select(['key', 'status']).execute()).toEqual([
        { key: 'upgrade', status: 201 },
      ]);
      const users = new SqlUserStore(database.db);
      expect(await users.count()).toBe(0);
      expect(
        await users.bootstrap(
          { id: 'org_1', slug: 'system', name: 'System', createdAt: now },
          { id: 'usr_1', email: 'a@example.test', name: null, passwordHash: null, now },
          'owner',
        ),
      ).toBe(true);
      const sessions = new SqlSessionStore(database.db);
      await sessions.create({
        id: 'ses_1',
        userId: 'usr_1',
        deviceName: null,
        ip: null,
        userAgent: null,
        now,
        expiresAt: now + 86_400_000,
        refreshTokenHash: 'a'.repeat(64),
      });
      expect((await sessions.rotateRefreshToken('a'.repeat(64), 'b'.repeat(64), now + 1, now + 86_400_000)).outcome).toBe('rotated');
    },
  },
  {
    to: '0004-audit',
    from: '0003-identity',
    async seed(db) {
      await sql`insert into rampart_meta (key, value) values (${'audit_upgrade'}, ${'kept'})`.execute(db);
    },
    async check(database) {
      expect(await database.db.selectFrom('rampart_meta').select('value').where('key', '=', 'audit_upgrade').executeTakeFirst()).toEqual({
        value: 'kept',
      });
      const log = new SqlAuditLog(database, { clock: { now: () => Date.UTC(2026, 0, 1) } });
      await log.record({
        org: 'system',
        actor: { type: 'system', id: null },
        action: 'schema.upgrade',
        resource: '0004-audit',
        result: 'success',
        sourceIp: null,
        requestId: null,
      });
      expect(await log.integrate()).toBe(1);
      await log.close();
      expect(await database.db.selectFrom('audit_entries').select(['leaf_index', 'action']).execute()).toEqual([
        { leaf_index: 0, action: 'schema.upgrade' },
      ]);
    },
  },
  {
    to: '0005-password-tokens',
    from: '0004-audit',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at, password_changed_at, failed_logins, next_login_at)
        values (${'usr_1'}, ${'a@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now}, ${null}, ${0}, ${null})`.execute(db);
      await sql`insert into sessions (id, user_id, device_name, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at, revoke_reason, dpop_jkt)
        values (${'ses_1'}, ${'usr_1'}, ${null}, ${null}, ${null}, ${now}, ${now}, ${now + 86_400_000}, ${null}, ${null}, ${null})`.execute(
        db,
      );
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      const { SqlPasswordTokenStore } = await import('../../src/adapters/sql/sql-password-token-store.js');
      const { SqlAccountStore } = await import('../../src/adapters/sql/sql-account-store.js');
      const tokens = new SqlPasswordTokenStore(database.db);
      await tokens.issue('c'.repeat(64), 'usr_1', now, now + 1000);
      expect(await tokens.consume('c'.repeat(64), now + 1)).toBe('usr_1');
      expect(await tokens.consume('c'.repeat(64), now + 2)).toBeUndefined();
      expect(await new SqlAccountStore(database.db).erase('usr_1', now + 3)).toBe(true);
      expect(await new SqlUserStore(database.db).findById('usr_1')).toBeUndefined();
      expect(await new SqlSessionStore(database.db).revokedSince(now)).toEqual([{ sessionId: 'ses_1', revokedAt: now + 3 }]);
    },
  },
  {
    to: '0006-mfa',
    from: '0005-password-tokens',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at, password_changed_at, failed_logins, next_login_at)
        values (${'usr_mfa'}, ${'mfa@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now}, ${null}, ${0}, ${null})`.execute(db);
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      const { SqlMfaStore } = await import('../../src/adapters/sql/sql-mfa-store.js');
      const { SqlAccountStore } = await import('../../src/adapters/sql/sql-account-store.js');
      const mfa = new SqlMfaStore(database.db);
      expect(await mfa.findTotp('usr_mfa')).toBeUndefined();
      expect(await mfa.startTotp('usr_mfa', 'v1.sealed', now)).toBe(true);
      expect(await mfa.confirmTotp('usr_mfa', 100, ['d'.repeat(64)], now)).toBe(true);
      expect(await mfa.findTotp('usr_mfa')).toEqual({ userId: 'usr_mfa', secretSealed: 'v1.sealed', confirmed: true, lastStep: 100 });
      expect(await mfa.acceptStep('usr_mfa', 100)).toBe(false);
      expect(await mfa.acceptStep('usr_mfa', 101)).toBe(true);
      expect(await mfa.consumeRecoveryCode('usr_mfa', 'd'.repeat(64), now)).toBe(true);
      expect(await mfa.consumeRecoveryCode('usr_mfa', 'd'.repeat(64), now)).toBe(false);
      await mfa.createChallenge('e'.repeat(64), { userId: 'usr_mfa', deviceName: null }, now, now + 1000);
      expect(await mfa.spendAttempt('e'.repeat(64), now, 5)).toEqual({ userId: 'usr_mfa', deviceName: null });
      // Erasing the user takes its MFA rows with it (foreign keys cascade on both dialects).
      expect(await new SqlAccountStore(database.db).erase('usr_mfa', now + 1)).toBe(true);
      for (const table of ['mfa_totp', 'recovery_codes', 'mfa_challenges'] as const) {
        expect(await database.db.selectFrom(table).selectAll().execute()).toEqual([]);
      }
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
