/**
 * The AuditLog contract on SqlAuditLog, on every backend: durable when `record` resolves (another
 * handle finds the entry), ordered, gapless under concurrency, committed in groups, and closed
 * on failure (`audit_unavailable`). Redacts and caps untrusted text inside the entry; refuses only
 * a programmer's error (a secret-named details key, non-JSON details).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLeaf, auditLeafHash } from '../../src/audit/crypto/audit-leaf.js';
import { rootFromLeafHashes } from '../../src/audit/crypto/merkle.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { rowEntry } from '../../src/audit/adapters/audit-rows.js';
import { SqlAuditLedger } from '../../src/audit/adapters/sql-audit-ledger.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { backends } from '../helpers/backends.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';

async function entryRows(store: AuditStore) {
  return store.db.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute();
}

for (const backend of await backends()) {
  describe(`SqlAuditLog on ${backend.name}`, () => {
    let store: AuditStore;
    beforeEach(async () => {
      store = await auditStore(backend);
    });
    afterEach(async () => {
      await store.cleanup();
    });

    it('an entry is durable when record resolves: another handle finds it', async () => {
      const { log } = store.log();
      await log.record(auditEvent(1));
      const other = store.open();
      const pending = await other.db.selectFrom('audit_pending').select('action').execute();
      const entries = await other.db.selectFrom('audit_entries').select('action').execute();
      expect([...pending, ...entries]).toEqual([{ action: 'user.update' }]);
    });

    it('gives 500 concurrent records the indices 0..499, each once, with leaves and hashes that match', async () => {
      const { log } = store.log();
      await Promise.all(Array.from({ length: 500 }, (_, n) => log.record(auditEvent(n))));
      expect(await log.integrate()).toBe(500);
      const rows = await entryRows(store);
      expect(rows.map((row) => row.leaf_index)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(new Set(rows.map((row) => row.request_id)).size).toBe(500);
      for (const row of rows) {
        expect(auditLeaf(rowEntry(row, row.leaf_index))).toBe(row.leaf);
        expect(Buffer.from(auditLeafHash(row.leaf)).toString('base64')).toBe(row.leaf_hash);
      }
      const ledger = await store.ledger();
      const { checkpoint } = await ledger.issueCheckpoint();
      const root = rootFromLeafHashes(rows.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64'))));
      expect(Buffer.from(checkpoint.rootHash).equals(Buffer.from(root))).toBe(true);
    });

    it("records one caller's events in the order their calls resolved", async () => {
      const { log } = store.log();
      for (let n = 0; n < 5; n++) await log.record(auditEvent(n));
      await log.integrate();
      expect((await entryRows(store)).map((row) => row.request_id)).toEqual(['req_0', 'req_1', 'req_2', 'req_3', 'req_4']);
    });

    it('commits concurrent records in groups: 500 events, maxBatch 100 → 5 transactions', async () => {
      const { log } = store.log({ maxBatch: 100 });
      await Promise.all(Array.from({ length: 500 }, (_, n) => log.record(auditEvent(n))));
      expect(log.stats()).toEqual({ transactions: 5, events: 500 });
      const { log: single } = store.log({ maxBatch: 1000 });
      await Promise.all(Array.from({ length: 300 }, (_, n) => single.record(auditEvent(n))));
      expect(single.stats()).toEqual({ transactions: 1, events: 300 });
    });

    it('hardening 1: refuses only programmer errors (a secret-named details key, non-JSON details), with a generic detail, and stores nothing', async () => {
      const { log } = store.log();
      const refusals = [
        log.record(auditEvent(1, { details: { password: 'hunter2' } })),
        log.record(auditEvent(2, { details: { nested: { refresh_token: 'x' } } })),
        log.record(auditEvent(5, { details: { when: new Date(0) } as Record<string, unknown> })),
      ];
      for (const refusal of refusals) {
        const error = await refusal.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(DomainError);
        // The detail names no field path and no rule: only the operator's log (the cause) does.
        expect(error).toMatchObject({ code: 'internal_error', detail: 'The audit event was refused' });
      }
      await log.record(auditEvent(6));
      await log.integrate();
      const rows = await entryRows(store);
      expect(rows.map((row) => row.request_id)).toEqual(['req_6']);
      expect(JSON.stringify(rows)).not.toMatch(/hunter2/);
    });

    it('hardening 1: credential-shaped text (a user agent, a resource, a reason, a details string) is redacted inside the entry, never refused', async () => {
      const { log } = store.log();
      const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
      await log.record(
        auditEvent(1, {
          userAgent: `Bearer ${jwt}`,
          resource: 'rk_abcdefghijklmnopqrstuvwx',
          reason: `refused ${jwt}`,
          details: { header: 'Bearer abcdefghijklmnop', list: ['ok', `Basic ${'QWxhZGRpbjpvcGVuIHNlc2FtZQ=='}`] },
        }),
      );
      await log.integrate();
      const [row] = await entryRows(store);
      expect(row).toMatchObject({ user_agent: '[redacted]', resource: '[redacted]', reason: 'refused [redacted]' });
      expect(JSON.parse(row?.details ?? '{}')).toEqual({ header: '[redacted]', list: ['ok', '[redacted]'] });
      expect(JSON.stringify(row)).not.toMatch(/eyJhbGci|rk_abcdefgh|abcdefghijklmnop|QWxhZGRp/);
    });

    it('hardening 3: every stored text of an entry is capped at 512 characters (a 15 KB user agent, a long name, long details)', async () => {
      const { log } = store.log();
      await log.record(
        auditEvent(1, {
          userAgent: 'A'.repeat(15_000),
          resource: 'r'.repeat(2_000),
          reason: 'x'.repeat(600),
          details: { note: 'n'.repeat(10_000), nested: { deeper: ['d'.repeat(700)] } },
        }),
      );
      await log.integrate();
      const [row] = await entryRows(store);
      const texts = [row?.user_agent, row?.resource, row?.reason, ...Object.values(JSON.parse(row?.details ?? '{}') as object).flat(3)];
      const strings: string[] = [];
      const walk = (value: unknown): void => {
        if (typeof value === 'string') strings.push(value);
        else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
      };
      walk(texts);
      expect(strings.length).toBeGreaterThanOrEqual(5);
      for (const text of strings) expect(text.length).toBeLessThanOrEqual(512);
      expect(row?.user_agent).toBe(`${'A'.repeat(511)}\u2026`);
      // The leaf is what the tree commits to: it holds the capped text, and its hash still verifies.
      expect(row?.leaf.length).toBeLessThan(4_000);
      expect(auditLeaf(rowEntry(row!, row!.leaf_index))).toBe(row?.leaf);
    });

    it('fails closed: when the database refuses the write, record rejects with audit_unavailable', async () => {
      const { log } = store.log();
      await log.record(auditEvent(1));
      await denyWrites(store, backend.name);
      const failure = await log.record(auditEvent(2)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: 'audit_unavailable' });
    });

    it('keeps one signing key, sealed: the same key on reopening, refused under another master key', async () => {
      const first = await store.ledger();
      const again = await store.ledger();
      expect(again.verifierKey()).toBe(first.verifierKey());
      const row = await store.db.db.selectFrom('audit_keys').selectAll().executeTakeFirstOrThrow();
      expect(row.sealed_private_key.startsWith('v1.')).toBe(true);
      await expect(
        SqlAuditLedger.open(store.db, { kek: secret(Buffer.alloc(32, 9)), origin: 'other/rampart/audit', clock: store.clock }),
      ).rejects.toThrow(/does not open/);
    });

    it('rejects with audit_unavailable once closed', async () => {
      const { log } = store.log();
      await log.close();
      await expect(log.record(auditEvent(1))).rejects.toMatchObject({ code: 'audit_unavailable' });
    });
  });
}

/** Makes the database itself refuse the log's inserts: a trigger that aborts them, as a read-only table would. */
async function denyWrites(store: AuditStore, backend: string): Promise<void> {
  if (backend === 'sqlite') {
    await sql`create trigger audit_read_only before insert on audit_entries begin select raise(abort, 'read-only'); end`.execute(
      store.db.db,
    );
  } else {
    await sql`create function audit_read_only() returns trigger language plpgsql as $$ begin raise exception 'read-only'; end $$`.execute(
      store.db.db,
    );
    await sql`create trigger audit_read_only before insert on audit_entries for each row execute function audit_read_only()`.execute(
      store.db.db,
    );
  }
}
