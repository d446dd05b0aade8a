/**
 * Upgrades, on every backend: a store of each previous schema version, holding rows written the
 * way that version wrote them, is migrated to the latest and checked. One step per migration —
 * every new migration adds its row to STEPS (a test below fails until it does).
 */
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { migrateTo, migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { SqlAuditLog } from '../../src/audit/adapters/sql-audit-log.js';
import { SqlIdempotencyStore } from '../../src/kernel/adapters/sql/sql-idempotency-store.js';
import { SqlSessionStore } from '../../src/identity/sessions/adapters/sql-session-store.js';
import { SqlRevocationSequence } from '../../src/kernel/adapters/sql/sql-revocation-sequence.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { undeclaredAction } from '../helpers/audit.js';
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

/**
 * An upgrade that only adds tables: a row written before it is kept, and each new table starts
 * empty and is reachable by the working role (on PostgreSQL, under its row-level security).
 */
function addsTables(to: string, tables: readonly string[]): UpgradeStep {
  const user = `usr_${to.slice(0, 4)}`;
  return {
    to,
    from: Object.keys(MIGRATIONS)[Object.keys(MIGRATIONS).indexOf(to) - 1] ?? '',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${user}, ${`${user}@example.test`}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
    },
    async check(database) {
      const db = database.db as unknown as Kysely<unknown>;
      expect((await sql<{ id: string }>`select id from users where id = ${user}`.execute(db)).rows).toEqual([{ id: user }]);
      for (const table of tables) {
        const count = async (asWorkingRole: boolean) =>
          db.transaction().execute(async (trx) => {
            if (asWorkingRole) await sql.raw('SET LOCAL ROLE rampart_tenant').execute(trx);
            const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(trx);
            return Number(rows.rows[0]?.n);
          });
        expect(await count(false), table).toBe(0);
        if (database.dialect === 'postgres') expect(await count(true), table).toBe(0);
      }
    },
  };
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
        action: undeclaredAction('schema.upgrade'),
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
      const { SqlPasswordTokenStore } = await import('../../src/identity/accounts/adapters/sql-password-token-store.js');
      const { SqlAccountStore } = await import('../../src/identity/accounts/adapters/sql-account-store.js');
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
      const { SqlMfaStore } = await import('../../src/identity/mfa/adapters/sql-mfa-store.js');
      const { SqlAccountStore } = await import('../../src/identity/accounts/adapters/sql-account-store.js');
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
  {
    to: '0007-tenancy',
    from: '0006-mfa',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at, password_changed_at, failed_logins, next_login_at)
        values (${'usr_t'}, ${'t@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now}, ${null}, ${0}, ${null})`.execute(db);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_t'}, ${'acme'}, ${'Acme'}, ${now})`.execute(db);
      await sql`insert into memberships (org_id, user_id, role, created_at) values (${'org_t'}, ${'usr_t'}, ${'owner'}, ${now})`.execute(
        db,
      );
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      const { SqlOrgStore } = await import('../../src/tenancy/adapters/sql-org-store.js');
      const { TENANT_TABLES } = await import('../../src/capabilities.js');
      const { mintTenantScope } = await import('../../src/kernel/domain/tenant-scope.js');
      const orgs = new SqlOrgStore(database.db, database.dialect, TENANT_TABLES);
      // The org and its owner of 0003 are intact; custom roles are versioned from 1.
      expect(await orgs.resolve('acme')).toEqual({ id: 'org_t', slug: 'acme', name: 'Acme', createdAt: now });
      expect(await orgs.roleOf('org_t', 'usr_t')).toBe('owner');
      const scope = mintTenantScope({ id: 'org_t', slug: 'acme' }, { type: 'user', id: 'usr_t', via: 'bearer' });
      expect((await orgs.putRole(scope, 'deployer', ['jobs.run'], 'usr_t', now)).version).toBe(1);
      expect((await orgs.putRole(scope, 'deployer', ['jobs.read'], 'usr_t', now + 1)).version).toBe(2);
      expect((await orgs.roleHistory(scope, 'deployer')).map((v) => v.version)).toEqual([2, 1]);
      expect(await orgs.removeMember(scope, 'usr_t')).toBe('last_owner');
    },
  },
  {
    to: '0008-browser-sessions',
    from: '0007-tenancy',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at, password_changed_at, failed_logins, next_login_at)
        values (${'usr_bs'}, ${'bs@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now}, ${null}, ${0}, ${null})`.execute(db);
      const expires = now + 1000;
      await sql`insert into sessions (id, user_id, device_name, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at, revoke_reason, dpop_jkt)
        values (${'ses_old'}, ${'usr_bs'}, ${null}, ${null}, ${null}, ${now}, ${now}, ${expires}, ${null}, ${null}, ${null})`.execute(db);
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      const sessions = new SqlSessionStore(database.db);
      // The session of the previous version is a token session: no cookie secret.
      expect(await sessions.find('ses_old')).toMatchObject({ userId: 'usr_bs', cookieSecretHash: null, dpopJkt: null });
      await sessions.create({
        id: 'ses_cookie',
        userId: 'usr_bs',
        deviceName: null,
        ip: null,
        userAgent: null,
        now,
        expiresAt: now + 1000,
        refreshTokenHash: null,
        cookieSecretHash: 'f'.repeat(64),
      });
      expect(await sessions.find('ses_cookie')).toMatchObject({ cookieSecretHash: 'f'.repeat(64) });
    },
  },
  {
    to: '0009-api-keys-clients',
    from: '0008-browser-sessions',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at, password_changed_at, failed_logins, next_login_at)
        values (${'usr_k'}, ${'k@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now}, ${null}, ${0}, ${null})`.execute(db);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_k'}, ${'keys'}, ${'Keys'}, ${now})`.execute(db);
    },
    async check(database) {
      const now = Date.UTC(2026, 0, 1);
      const { SqlApiKeyStore } = await import('../../src/credentials/adapters/sql-api-key-store.js');
      const { SqlClientStore } = await import('../../src/credentials/adapters/sql-client-store.js');
      const { mintTenantScope } = await import('../../src/kernel/domain/tenant-scope.js');
      const keys = new SqlApiKeyStore(database.db);
      const key = {
        id: 'key_1',
        ownerId: 'usr_k',
        orgId: 'org_k',
        name: 'ci',
        prefix: 'rk_abcdef',
        keyHash: 'a'.repeat(64),
        scopes: ['org.read'],
        now,
        expiresAt: null,
      };
      await keys.create(key);
      expect((await keys.findByHash('a'.repeat(64)))?.ownerStatus).toBe('active');
      const scope = mintTenantScope({ id: 'org_k', slug: 'keys' }, { type: 'user', id: 'usr_k', via: 'bearer' });
      const clients = new SqlClientStore(database.db, database.dialect);
      await clients.create(scope, {
        id: 'cli_1',
        name: 'svc',
        authMethod: 'client_secret_basic',
        secretHash: 'b'.repeat(64),
        jwks: null,
        scopes: ['org.read'],
        createdBy: 'usr_k',
        now,
      });
      expect((await clients.list(scope)).map((c) => c.id)).toEqual(['cli_1']);
      expect(await clients.useAssertion('cli_1', 'jti-1', now + 60_000, now)).toBe(true);
      expect(await clients.useAssertion('cli_1', 'jti-1', now + 60_000, now)).toBe(false);
      // Deleting the owner takes the user's keys with it.
      await database.db.deleteFrom('users').where('id', '=', 'usr_k').execute();
      expect(await keys.findByHash('a'.repeat(64))).toBeUndefined();
    },
  },
  {
    to: '0010-secrets',
    from: '0009-api-keys-clients',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_s'}, ${'vault'}, ${'Vault'}, ${now})`.execute(db);
    },
    async check(database) {
      const { SqlSecretBackend } = await import('../../src/secrets/adapters/sql-secret-backend.js');
      const { MasterKeyKek } = await import('../../src/secrets/crypto/kek-master-key.js');
      const { MemoryAuditLog } = await import('../../src/kernel/adapters/memory/memory-audit-log.js');
      const { SecretService } = await import('../../src/secrets/services/secret-service.js');
      const { mintTenantScope } = await import('../../src/kernel/domain/tenant-scope.js');
      const org = await database.db.selectFrom('orgs').selectAll().where('id', '=', 'org_s').executeTakeFirstOrThrow();
      expect(org.slug).toBe('vault');
      const secrets = new SecretService({
        backend: new SqlSecretBackend(database.db, database.dialect),
        kek: new MasterKeyKek(new Secret(Buffer.alloc(32, 1)), 'environment'),
        audit: new MemoryAuditLog(),
        clock: { now: () => Date.UTC(2026, 0, 2) },
        onAlert: () => undefined,
      });
      const scope = mintTenantScope(org, undefined);
      expect(await secrets.put(scope, 'db-password', new Secret('kept'), undefined)).toEqual({ name: 'db-password', version: 1 });
      expect((await secrets.reveal(scope, 'db-password', undefined, undefined)).value.reveal()).toBe('kept');
      expect((await secrets.list(scope)).map((s) => s.name)).toEqual(['db-password']);
    },
  },
  {
    to: '0011-audit-privacy',
    from: '0010-secrets',
    async seed(db) {
      // An entry of the 0004 schema: every field in its leaf (format 1), with its subtree.
      const { auditLeaf, auditLeafHash } = await import('../../src/audit/crypto/audit-leaf.js');
      const entry = {
        index: 0,
        timestamp: Date.UTC(2026, 0, 1),
        org: 'system',
        actor: { type: 'user' as const, id: 'usr_old' },
        action: 'auth.login',
        resource: 'ses_old',
        result: 'success' as const,
        sourceIp: '198.51.100.1',
        requestId: 'req_old',
        subject: 'usr_old',
      };
      const leaf = auditLeaf(entry);
      const hash = Buffer.from(auditLeafHash(leaf)).toString('base64');
      await sql`insert into audit_entries (leaf_index, timestamp, org, actor_type, actor_id, action, resource, result, reason, source_ip, request_id, user_agent, details, subject, leaf, leaf_hash)
        values (${0}, ${entry.timestamp}, ${'system'}, ${'user'}, ${'usr_old'}, ${'auth.login'}, ${'ses_old'}, ${'success'}, ${null}, ${'198.51.100.1'}, ${'req_old'}, ${null}, ${null}, ${'usr_old'}, ${leaf}, ${hash})`.execute(
        db,
      );
      await sql`insert into audit_subtrees (start, size, hash) values (${0}, ${1}, ${hash})`.execute(db);
    },
    async check(database) {
      const { SqlAuditSubjects } = await import('../../src/audit/adapters/sql-audit-subjects.js');
      const { SqlAuditReader } = await import('../../src/audit/adapters/sql-audit-reader.js');
      const { auditLeafHash } = await import('../../src/audit/crypto/audit-leaf.js');
      const old = await database.db.selectFrom('audit_entries').selectAll().executeTakeFirstOrThrow();
      expect(old).toMatchObject({ format: 1, personal: null, sealed: null, payload: null, source_ip: '198.51.100.1' });
      expect(Buffer.from(auditLeafHash(old.leaf)).toString('base64')).toBe(old.leaf_hash);
      const wrap = new Secret(Buffer.alloc(32, 9));
      const log = new SqlAuditLog(database, { clock: { now: () => Date.UTC(2026, 0, 2) }, subjectKeyWrap: wrap });
      await log.record({
        org: 'system',
        actor: { type: 'user', id: 'usr_new' },
        action: 'auth.login',
        resource: 'ses_new',
        result: 'success',
        sourceIp: '198.51.100.2',
        requestId: 'req_new',
      });
      expect(await log.integrate()).toBe(2);
      const reader = new SqlAuditReader(database.db, new SqlAuditSubjects(wrap));
      expect(await reader.from(0, 10)).toMatchObject([
        { index: 0, source_ip: '198.51.100.1', actor: { id: 'usr_old' } },
        { index: 1, source_ip: '198.51.100.2', actor: { id: 'usr_new' } },
      ]);
      // The old entry's subject erased: its payload goes, its leaf hash stays.
      await log.eraseSubject('usr_old');
      await log.close();
      const after = await database.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute();
      expect(after.map((row) => [row.payload, row.leaf_hash])).toEqual([
        ['erased', old.leaf_hash],
        [null, after[1]?.leaf_hash],
      ]);
    },
  },
  {
    to: '0012-rls-working-role',
    from: '0011-audit-privacy',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_r'}, ${'rows'}, ${'Rows'}, ${now})`.execute(db);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_r'}, ${'r@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
      await sql`insert into memberships (org_id, user_id, role, created_at) values (${'org_r'}, ${'usr_r'}, ${'owner'}, ${now})`.execute(
        db,
      );
      await sql`insert into org_roles (org_id, name, permissions, version, created_at, updated_at)
        values (${'org_r'}, ${'deployer'}, ${'["jobs.read"]'}, ${1}, ${now}, ${now})`.execute(db);
      await sql`insert into api_keys (id, user_id, org_id, name, prefix, key_hash, scopes, created_at)
        values (${'key_r'}, ${'usr_r'}, ${'org_r'}, ${'ci'}, ${'rk_r'}, ${'b'.repeat(64)}, ${'[]'}, ${now})`.execute(db);
    },
    async check(database) {
      // Every row is kept; on PostgreSQL a role bound by the policies sees them only in a system
      // transaction, memberships and API keys included (exempt until this migration).
      const tables = ['memberships', 'org_roles', 'api_keys'] as const;
      const count = async (db: Kysely<unknown>, table: string) =>
        Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n);
      for (const table of tables) expect(await count(database.db as unknown as Kysely<unknown>, table), table).toBe(1);
      if (database.dialect !== 'postgres') return;
      const asTenantRole = (system: boolean) =>
        database.db.transaction().execute(async (trx) => {
          await sql.raw('SET LOCAL ROLE rampart_tenant').execute(trx);
          if (system) await sql`select set_config('app.system', 'on', true)`.execute(trx);
          const counts: number[] = [];
          for (const table of tables) counts.push(await count(trx as unknown as Kysely<unknown>, table));
          return counts;
        });
      expect(await asTenantRole(false)).toEqual([0, 0, 0]);
      expect(await asTenantRole(true)).toEqual([1, 1, 1]);
    },
  },
  {
    to: '0013-invitations',
    from: '0012-rls-working-role',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_i'}, ${'invites'}, ${'Invites'}, ${now})`.execute(db);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_i'}, ${'i@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
      await sql`insert into memberships (org_id, user_id, role, created_at) values (${'org_i'}, ${'usr_i'}, ${'owner'}, ${now})`.execute(
        db,
      );
    },
    async check(database) {
      // The rows of 0012 are kept; the new table takes an invitation, one per (org, email), under RLS.
      const db = database.db as unknown as Kysely<unknown>;
      const owner = await sql<{ role: string }>`select role from memberships where org_id = ${'org_i'}`.execute(db);
      expect(owner.rows).toEqual([{ role: 'owner' }]);
      const insert = (id: string) =>
        sql`insert into org_invitations (id, org_id, email, role, invited_by, created_at, expires_at)
          values (${id}, ${'org_i'}, ${'new@example.test'}, ${'viewer'}, ${'usr_i'}, ${1}, ${2})`.execute(db);
      await insert('inv_1');
      await expect(insert('inv_2')).rejects.toThrow();
      if (database.dialect !== 'postgres') return;
      const visible = (system: boolean) =>
        database.db.transaction().execute(async (trx) => {
          await sql.raw('SET LOCAL ROLE rampart_tenant').execute(trx);
          if (system) await sql`select set_config('app.system', 'on', true)`.execute(trx);
          const rows = await sql<{ n: number | string }>`select count(*) as n from org_invitations`.execute(trx);
          return Number(rows.rows[0]?.n);
        });
      expect(await visible(false)).toBe(0);
      expect(await visible(true)).toBe(1);
    },
  },
  {
    to: '0014-step-up',
    from: Object.keys(MIGRATIONS)[Object.keys(MIGRATIONS).indexOf('0014-step-up') - 1] ?? '',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_s'}, ${'s@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
      await sql`insert into sessions (id, user_id, device_name, ip, user_agent, created_at, last_seen_at, expires_at)
        values (${'ses_s'}, ${'usr_s'}, ${null}, ${null}, ${null}, ${now}, ${now + 5}, ${now + 86_400_000})`.execute(db);
    },
    async check(database) {
      // A session opened before step-up was last authenticated at its login: authenticated_at starts as created_at.
      const session = await new SqlSessionStore(database.db).find('ses_s');
      expect(session).toMatchObject({
        createdAt: Date.UTC(2026, 0, 1),
        authenticatedAt: Date.UTC(2026, 0, 1),
        lastSeenAt: Date.UTC(2026, 0, 1) + 5,
      });
    },
  },
  {
    to: '0015-revocation-sequence',
    from: Object.keys(MIGRATIONS)[Object.keys(MIGRATIONS).indexOf('0015-revocation-sequence') - 1] ?? '',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_r'}, ${'r@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
    },
    async check(database) {
      // Earlier rows are kept; the sequence starts empty, and the working role appends and reads it.
      const db = database.db as unknown as Kysely<unknown>;
      expect((await sql<{ id: string }>`select id from users where id = ${'usr_r'}`.execute(db)).rows).toEqual([{ id: 'usr_r' }]);
      const sequence = new SqlRevocationSequence(database.db, database.dialect);
      expect(await sequence.head()).toBe(0);
      expect(await sequence.append({ kind: 'session', id: 'ses_r', revokedAt: 1 }, 2)).toBe(1);
      if (database.dialect !== 'postgres') return;
      const appended = await database.db.transaction().execute(async (trx) => {
        await sql.raw('SET LOCAL ROLE rampart_tenant').execute(trx);
        return sql<{ seq: number | string }>`insert into revocation_sequence (kind, target, revoked_at, recorded_at)
          values (${'api_key'}, ${'key_r'}, ${3}, ${4}) returning seq`.execute(trx);
      });
      expect(Number(appended.rows[0]?.seq)).toBe(2);
    },
  },
  addsTables('0016-event-outbox', ['event_outbox']),
  addsTables('0017-jobs', ['jobs', 'job_logs']),
  addsTables('0018-webhooks', ['webhook_endpoints', 'webhook_deliveries', 'webhook_outbox_holes']),
  addsTables('0019-webhooks-inbound', ['webhook_sources', 'webhook_inbox']),
  {
    to: '0020-signing',
    from: Object.keys(MIGRATIONS)[Object.keys(MIGRATIONS).indexOf('0020-signing') - 1] ?? '',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_s'}, ${'s@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
    },
    async check(database) {
      // Earlier rows are kept; the keyring starts empty and takes a key (issue 16).
      const db = database.db as unknown as Kysely<unknown>;
      expect((await sql<{ id: string }>`select id from users where id = ${'usr_s'}`.execute(db)).rows).toEqual([{ id: 'usr_s' }]);
      expect((await sql`select id from signing_keyring`.execute(db)).rows).toEqual([]);
      await sql`insert into signing_keyring (id, purpose, public_key, kek_id, wrapped_seed, not_before, created_at)
        values (${'art_s'}, ${'artifacts'}, ${'AAAA'}, ${'kek_s'}, ${'wrapped'}, ${1}, ${1})`.execute(db);
      expect((await sql<{ id: string }>`select id from signing_keyring`.execute(db)).rows).toEqual([{ id: 'art_s' }]);
    },
  },
  addsTables('0021-licences', ['licences', 'licence_activations']),
  addsTables('0022-backups', ['backup_runs', 'backup_drills', 'backup_canary']),
  addsTables('0023-mail-outbox', ['mail_outbox']),
  {
    // An account created before email verification existed is unverified after the upgrade.
    to: '0024-email-verification',
    from: '0023-mail-outbox',
    ...(() => {
      const step = addsTables('0024-email-verification', ['email_tokens']);
      return {
        seed: step.seed,
        async check(database: SqlDatabase) {
          await step.check(database);
          const db = database.db as unknown as Kysely<unknown>;
          const rows = await sql<{
            email_verified_at: number | null;
          }>`select email_verified_at from users where id = ${'usr_0024'}`.execute(db);
          expect(rows.rows).toEqual([{ email_verified_at: null }]);
        },
      };
    })(),
  },
  addsTables('0025-federation', ['external_identities']),
  addsTables('0027-passkeys', ['passkeys', 'passkey_challenges']),
  addsTables('0028-security-events', ['security_events', 'new_device_alerts', 'known_devices']),
  {
    // A token session opened before session limits ends 30 days after its login (however it was
    // refreshed); a sliding expiry already past that end is brought back to it.
    to: '0029-session-limits',
    from: '0028-security-events',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_0029'}, ${'usr_0029@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
      await sql`insert into sessions (id, user_id, device_name, ip, user_agent, created_at, last_seen_at, expires_at)
        values (${'ses_0029a'}, ${'usr_0029'}, ${null}, ${null}, ${null}, ${now}, ${now}, ${now + 86_400_000}),
               (${'ses_0029b'}, ${'usr_0029'}, ${null}, ${null}, ${null}, ${now}, ${now}, ${now + 40 * 86_400_000})`.execute(db);
    },
    async check(database) {
      const db = database.db as unknown as Kysely<unknown>;
      const now = Date.UTC(2026, 0, 1);
      const rows = await sql<{ id: string; expires_at: number | string; absolute_expires_at: number | string }>`
        select id, expires_at, absolute_expires_at from sessions where user_id = ${'usr_0029'} order by id`.execute(db);
      expect(rows.rows.map((row) => [row.id, Number(row.expires_at), Number(row.absolute_expires_at)])).toEqual([
        ['ses_0029a', now + 86_400_000, now + 30 * 86_400_000],
        ['ses_0029b', now + 30 * 86_400_000, now + 30 * 86_400_000],
      ]);
      const users = await sql<{ password_change_required_at: number | null }>`
        select password_change_required_at from users where id = ${'usr_0029'}`.execute(db);
      expect(users.rows).toEqual([{ password_change_required_at: null }]);
    },
  },
  {
    // perf 3: an existing log — entries, subtrees by (start, size), a checkpoint — moves to the
    // rowid-keyed entries and the (level, idx) subtrees, and every proof and the checkpoint still verify.
    to: '0030-audit-throughput',
    from: '0029-session-limits',
    async seed(db) {
      const { auditLeaf, auditLeafHash } = await import('../../src/audit/crypto/audit-leaf.js');
      const { CompactRange } = await import('../../src/audit/crypto/merkle.js');
      const tree = CompactRange.empty();
      for (let index = 0; index < 20; index++) {
        const timestamp = Date.UTC(2026, 0, 1) + index;
        const leaf = auditLeaf({
          index,
          timestamp,
          org: 'system',
          actor: { type: 'system', id: null },
          action: 'test.old',
          resource: `res_${index}`,
          result: 'success',
          sourceIp: null,
          requestId: null,
        });
        const hash = auditLeafHash(leaf);
        await sql`insert into audit_entries (leaf_index, timestamp, org, actor_type, actor_id, action, resource, result, format, subject, leaf, leaf_hash)
          values (${index}, ${timestamp}, ${'system'}, ${'system'}, ${null}, ${'test.old'}, ${`res_${index}`}, ${'success'}, ${1}, ${index % 2 === 0 ? 'usr_0030' : null}, ${leaf}, ${Buffer.from(hash).toString('base64')})`.execute(
          db,
        );
        for (const subtree of tree.append(hash)) {
          await sql`insert into audit_subtrees (start, size, hash) values (${subtree.start}, ${subtree.size}, ${Buffer.from(subtree.hash).toString('base64')})`.execute(
            db,
          );
        }
        if (tree.size === 12) {
          await sql`insert into audit_checkpoints (size, root, note, created_at)
            values (${12}, ${Buffer.from(tree.root()).toString('base64')}, ${'seeded'}, ${timestamp})`.execute(db);
        }
      }
    },
    async check(database) {
      const { SqlAuditLedger } = await import('../../src/audit/adapters/sql-audit-ledger.js');
      const { AuditService } = await import('../../src/audit/services/audit-service.js');
      const { rootFromLeafHashes, verifyInclusion, verifyConsistency } = await import('../../src/audit/crypto/merkle.js');
      const rows = await database.db
        .selectFrom('audit_entries')
        .select(['leaf_index', 'leaf_hash', 'subject'])
        .orderBy('leaf_index')
        .execute();
      expect(rows.map((row) => Number(row.leaf_index))).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(rows.filter((row) => row.subject === 'usr_0030')).toHaveLength(10);
      const hashes = rows.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')));
      const clock = { now: () => Date.UTC(2026, 0, 2) };
      const ledger = await SqlAuditLedger.open(database, {
        kek: new Secret(Buffer.alloc(32, 4)),
        origin: 'upgrade.test/rampart/audit',
        clock,
      });
      const service = new AuditService(ledger);
      const checkpoint = await ledger.latestCheckpoint();
      expect(checkpoint?.size).toBe(12);
      const root = rootFromLeafHashes(hashes);
      for (let index = 0; index < 20; index++) {
        const proof = await service.inclusionProof(index, 20);
        expect(verifyInclusion(hashes[index] as Uint8Array, index, 20, proof.proof, root).ok).toBe(true);
      }
      const consistency = await service.consistencyProof(12, 20);
      expect(verifyConsistency(12, 20, consistency.proof, checkpoint?.rootHash as Uint8Array, root).ok).toBe(true);
      // The log goes on from the migrated tree.
      const log = new SqlAuditLog(database, { clock });
      await log.record({
        org: 'system',
        actor: { type: 'system', id: null },
        action: undeclaredAction('test.new'),
        resource: 'res_new',
        result: 'success',
        sourceIp: null,
        requestId: null,
      });
      expect(await log.integrate()).toBe(21);
      await log.close();
      const after = await database.db.selectFrom('audit_entries').select('leaf_hash').orderBy('leaf_index').execute();
      const grown = after.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')));
      const proof = await service.inclusionProof(20, 21);
      expect(verifyInclusion(grown[20] as Uint8Array, 20, 21, proof.proof, rootFromLeafHashes(grown)).ok).toBe(true);
    },
  },
  {
    to: '0031-client-audiences',
    from: '0030-audit-throughput',
    async seed(db) {
      const now = Date.UTC(2026, 0, 1);
      await sql`insert into users (id, email, name, password_hash, status, created_at, updated_at)
        values (${'usr_0031'}, ${'usr_0031@example.test'}, ${null}, ${null}, ${'active'}, ${now}, ${now})`.execute(db);
      await sql`insert into orgs (id, slug, name, created_at) values (${'org_0031'}, ${'apps-0031'}, ${'Apps'}, ${now})`.execute(db);
      await sql`insert into service_clients (id, org_id, name, auth_method, secret_hash, jwks, scopes, created_by, created_at, revoked_at)
        values (${'cli_0031'}, ${'org_0031'}, ${'app'}, ${'client_secret_basic'}, ${'0'.repeat(64)}, ${null}, ${'["sessions.watch"]'}, ${'usr_0031'}, ${now}, ${null})`.execute(
        db,
      );
    },
    async check(database) {
      // A client registered before keeps its scopes and has no audience of its own (Rampart's only).
      const rows = await database.db.selectFrom('service_clients').select(['scopes', 'audiences']).where('id', '=', 'cli_0031').execute();
      expect(rows).toEqual([{ scopes: '["sessions.watch"]', audiences: null }]);
    },
  },
  // Issue 22 item 6: the access review's attestations (a tenant table).
  addsTables('0033-access-review', ['access_review_attestations']),
  // Issue 22 item 1: the configuration's digests of the last start (config.start audit entries).
  addsTables('0034-config-state', ['config_state']),
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
