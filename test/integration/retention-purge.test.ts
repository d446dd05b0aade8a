/**
 * Retention (issue 22 item 2), on every backend: the purge deletes the personal data past its
 * retention — ended sessions (their refresh tokens with them), old security events, expired
 * idempotency records, sent mail — and keeps what has not ended or is younger, drops audit
 * payloads through the audit log's prune (leaf hashes stay), and records ONE `privacy.purge`
 * entry per run with the counts per kind, never a row. A dry run deletes and records nothing; a
 * log that cannot record stops the run before anything is deleted. Time comes from a fake clock.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrivacyPurge } from '../../src/compliance/cli/privacy-cli.js';
import { PRIVACY_DECLARATIONS } from '../../src/capabilities.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { CommandContext } from '../../src/kernel/part.js';
import type { AuditEvent, AuditLog } from '../../src/kernel/ports/audit-log.js';
import { RetentionPurge, retentionDaysOf } from '../../src/compliance/services/retention-purge.js';
import { RETENTION_DAYS } from '../../src/compliance/config.js';
import { SqlRetentionStore } from '../../src/compliance/adapters/sql-retention-store.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, login } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const DAY = 24 * 60 * 60 * 1000;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

for (const backend of await backends()) {
  describe(`retention purge (${backend.name})`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    const clock = new FakeClock();
    let userId: string;

    async function integrate(): Promise<void> {
      const log = (server.rampart.audit as unknown as { inner?: { integrate(): Promise<unknown> } }).inner;
      await log?.integrate();
    }

    async function purgeEntries(): Promise<{ details: string | null; result: string; reason: string | null }[]> {
      await integrate();
      return server.stored.db
        .selectFrom('audit_entries')
        .select(['details', 'result', 'reason'])
        .where('action', '=', 'privacy.purge')
        .orderBy('leaf_index')
        .execute();
    }

    const ids = (table: 'sessions' | 'security_events' | 'mail_outbox') =>
      server.stored.db
        .selectFrom(table)
        .select('id')
        .execute()
        .then((rows) => rows.map((row) => row.id).sort());

    function session(id: string, ends: { revoked?: number; expires: number }) {
      const now = clock.now();
      return {
        id,
        user_id: userId,
        device_name: null,
        ip: '203.0.113.9',
        user_agent: 'retention-test',
        created_at: now - 60 * DAY,
        last_seen_at: now - 50 * DAY,
        expires_at: ends.expires,
        revoked_at: ends.revoked ?? null,
        revoke_reason: ends.revoked === undefined ? null : 'logout',
        dpop_jkt: null,
        cookie_secret_hash: null,
        authenticated_at: now - 60 * DAY,
        absolute_expires_at: ends.expires,
      };
    }

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { clock, background: false, env: { ...ADMIN_ENV, RAMPART_AUDIT_RETENTION_DAYS: '30' } });
      await login(server.app);
      const user = await server.stored.db.selectFrom('users').select('id').where('email', '=', ADMIN_EMAIL).executeTakeFirstOrThrow();
      userId = user.id;
      // 40 days on: the login's audit entries are past the audit retention (30 days).
      clock.advance(40 * DAY);
      const now = clock.now();
      await server.stored.db
        .insertInto('sessions')
        .values([
          session('ses_old_revoked', { revoked: now - 31 * DAY, expires: now + 10 * DAY }),
          session('ses_old_expired', { expires: now - 31 * DAY }),
          session('ses_recently_revoked', { revoked: now - DAY, expires: now + 10 * DAY }),
          session('ses_live', { expires: now + 10 * DAY }),
        ])
        .execute();
      await server.stored.db
        .insertInto('refresh_tokens')
        .values({
          token_hash: 'a'.repeat(64),
          session_id: 'ses_old_revoked',
          created_at: now - 40 * DAY,
          expires_at: now + DAY,
          spent_at: null,
          successor_hash: null,
        })
        .execute();
      const event = (id: string, age: number) => ({
        id,
        user_id: userId,
        kind: 'login',
        created_at: now - age,
        ip: '203.0.113.9',
        user_agent: 'x',
        details: '{}',
      });
      await server.stored.db
        .insertInto('security_events')
        .values([event('sev_old', 400 * DAY), event('sev_new', 10 * DAY)])
        .execute();
      const mail = (id: string, status: string) => ({
        id,
        org_id: null,
        template: 'test',
        sealed: status === 'pending' ? 'sealed' : null,
        status,
        attempts: 1,
        next_attempt_at: now,
        claim_id: null,
        claimed_until: null,
        last_error: null,
        created_at: now - 20 * DAY,
        updated_at: now - 20 * DAY,
        sent_at: status === 'sent' ? now - 20 * DAY : null,
      });
      await server.stored.db
        .insertInto('mail_outbox')
        .values([mail('mail_sent', 'sent'), mail('mail_pending', 'pending')])
        .execute();
    });

    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('promises 2: every rule names a known variable and table, and its default is the variable’s', () => {
      const config = server.rampart.config;
      for (const rule of PRIVACY_DECLARATIONS.retention) {
        expect(RETENTION_DAYS[rule.variable], rule.kind).toBeDefined();
        expect(RETENTION_DAYS[rule.variable]?.(config), rule.kind).toBe(
          rule.defaultDays === undefined ? 30 /* set above */ : rule.defaultDays,
        );
      }
      expect(new Set(PRIVACY_DECLARATIONS.retention.map((rule) => rule.kind)).size).toBe(PRIVACY_DECLARATIONS.retention.length);
    });

    it('promises 2: a dry run (rampart privacy purge --dry-run --json) counts what is past retention and deletes and records nothing', async () => {
      const stdout = new Capture();
      const stderr = new Capture();
      const context = {
        run: () => Promise.resolve(0),
        backupFiles: () => [],
        privacy: PRIVACY_DECLARATIONS,
        compose: (_config: unknown, name: 'compliance') =>
          Promise.resolve({ facade: server.rampart.facade(name), close: () => Promise.resolve() }),
      } as unknown as CommandContext;
      const before = (await purgeEntries()).length;
      await integrate();
      const code = await runPrivacyPurge(server.rampart.config, createOutput(true, stdout, stderr), context, { dryRun: true });
      expect(code).toBe(0);
      const report = JSON.parse(stdout.text) as { dry_run: boolean; kinds: { kind: string; matched: number; deleted: number }[] };
      expect(report.dry_run).toBe(true);
      const matched = Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.matched]));
      // The two old sessions above, and the login's own, expired 39 days ago.
      expect(matched).toMatchObject({ ended_sessions: 3, security_events: 1, sent_mail: 1 });
      expect(matched.audit_payloads).toBeGreaterThan(0);
      expect(report.kinds.every((kind) => kind.deleted === 0)).toBe(true);
      expect(await ids('sessions')).toContain('ses_old_revoked');
      expect((await purgeEntries()).length).toBe(before);
    });

    it('promises 2: with the audit log refusing, the purge deletes nothing (503 audit_unavailable)', async () => {
      const refusing: AuditLog = {
        record: (_event: AuditEvent) => Promise.reject(new DomainError('audit_unavailable', 'the audit log cannot record')),
      };
      const purge = new RetentionPurge({
        rules: PRIVACY_DECLARATIONS.retention,
        daysOf: retentionDaysOf(RETENTION_DAYS, server.rampart.config),
        store: new SqlRetentionStore(server.rampart.database),
        delegated: {},
        audit: refusing,
        clock,
      });
      await expect(purge.run({ dryRun: false })).rejects.toMatchObject({ code: 'audit_unavailable' });
      expect(await ids('sessions')).toEqual(expect.arrayContaining(['ses_old_revoked', 'ses_old_expired']));
      expect(await ids('security_events')).toContain('sev_old');
    });

    it('promises 2: the purge deletes ended sessions (and their refresh tokens), old security events and sent mail, keeps the rest, and drops old audit payloads', async () => {
      const report = await server.rampart.facade('compliance').purge.run({ dryRun: false });
      const deleted = Object.fromEntries(report.kinds.map((kind) => [kind.kind, kind.deleted]));
      expect(deleted).toMatchObject({ ended_sessions: 3, security_events: 1, sent_mail: 1 });
      expect(deleted.audit_payloads).toBeGreaterThan(0);
      const sessions = await ids('sessions');
      expect(sessions).not.toContain('ses_old_revoked');
      expect(sessions).not.toContain('ses_old_expired');
      expect(sessions).toEqual(expect.arrayContaining(['ses_recently_revoked', 'ses_live']));
      expect(
        await server.stored.db.selectFrom('refresh_tokens').select('token_hash').where('session_id', '=', 'ses_old_revoked').execute(),
      ).toEqual([]);
      expect(await ids('security_events')).toEqual(['sev_new']);
      expect(await ids('mail_outbox')).toEqual(['mail_pending']);
      // Audit payloads are dropped, their leaf hashes kept.
      const dropped = await server.stored.db
        .selectFrom('audit_entries')
        .select(['leaf_hash', 'payload'])
        .where('payload', 'is not', null)
        .execute();
      expect(dropped.length).toBeGreaterThan(0);
      expect(dropped.every((row) => row.leaf_hash.length > 0)).toBe(true);
    });

    it('promises 2: each run is ONE audited privacy.purge entry with counts per kind, never a row', async () => {
      const entries = await purgeEntries();
      expect(entries).toHaveLength(1);
      const text = entries[0]?.details ?? '';
      expect(text).toContain('ended_sessions');
      expect(text).not.toContain('203.0.113.9');
      expect(text).not.toContain('ses_old_revoked');
      // A second run finds nothing past retention and deletes nothing, in one more entry.
      const again = await server.rampart.facade('compliance').purge.run({ dryRun: false });
      expect(again.kinds.filter((kind) => kind.table !== 'audit_entries').every((kind) => kind.deleted === 0)).toBe(true);
      expect(await purgeEntries()).toHaveLength(2);
    });
  });
}
