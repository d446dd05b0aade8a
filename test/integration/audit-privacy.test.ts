/**
 * Erasure and retention that stay verifiable, on every backend: personal
 * fields are sealed per subject (never in clear in the database, the leaf commits to them);
 * erasing the subject destroys its key — listings and exports show `[erased]`, and the tree,
 * inclusion proofs, checkpoints signed before the erasure and `rampart audit verify` still pass;
 * entries written before migration 0011 (format 1) have their payload dropped instead; retention
 * drops old payloads, keeps leaf hashes, and verify reports them as expired payloads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlAuditReader } from '../../src/audit/adapters/sql-audit-reader.js';
import { SqlAuditSubjects } from '../../src/audit/adapters/sql-audit-subjects.js';
import type { SqlAuditLog } from '../../src/audit/adapters/sql-audit-log.js';
import { runAuditExport, runAuditPrune, verifyExportFile } from '../../src/audit/cli/audit.js';
import type { Output } from '../../src/kernel/cli/output.js';
import { auditSubjectKeyWrap } from '../../src/audit/compose.js';
import { masterKeyOf } from '../../src/kernel/master-key.js';
import { verifyInclusion } from '../../src/audit/crypto/merkle.js';
import { openCheckpoint, parseVkey } from '../../src/audit/crypto/signed-note.js';
import type { Secret } from '../../src/kernel/domain/secret.js';
import { AuditService } from '../../src/audit/services/audit-service.js';
import { auditEvent, auditStore, undeclaredAction, type AuditStore } from '../helpers/audit.js';
import { backends } from '../helpers/backends.js';
import { testConfig } from '../helpers/rampart.js';

const quiet: Output = { json: true, result: () => undefined, progress: () => undefined, note: () => undefined };
const ALICE = 'usr_alice';
const BOB = 'usr_bob';
const ALICE_IP = '198.51.100.77';
const ALICE_UA = 'AliceBrowser/9.1';
const DAY = 86_400_000;

function aliceLogin(n: number) {
  return auditEvent(n, {
    actor: { type: 'user', id: ALICE },
    action: 'auth.login',
    resource: `ses_${n}`,
    result: 'failure',
    sourceIp: ALICE_IP,
    userAgent: ALICE_UA,
    details: { email: 'alice@example.test', attempt: n },
    subject: ALICE,
  });
}

for (const backend of await backends()) {
  describe(`audit erasure and retention on ${backend.name}`, () => {
    let store: AuditStore;
    let wrap: Secret<Buffer>;
    let log: SqlAuditLog;
    let file: string;

    beforeEach(async () => {
      store = await auditStore(backend);
      wrap = auditSubjectKeyWrap(masterKeyOf(testConfig(store.instance)));
      log = store.log({ subjectKeyWrap: wrap }).log;
      file = join(store.instance.dataDir, '..', 'export.jsonl');
    });
    afterEach(async () => {
      await store.cleanup();
    });

    const reader = () => new SqlAuditReader(store.db.db, new SqlAuditSubjects(wrap));
    const rows = () => store.db.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute();
    async function exportAndVerify(checkpoint: string[] = []) {
      expect(await runAuditExport(testConfig(store.instance), quiet, { out: file })).toBe(0);
      return verifyExportFile(file, { checkpoint });
    }
    async function seed(): Promise<void> {
      // Alice's entries at 0, 2, 4; Bob's at 1, 3; a system event without subject at 5.
      for (let n = 0; n < 5; n += 1) {
        await log.record(
          n % 2 === 0 ? aliceLogin(n) : auditEvent(n, { actor: { type: 'user', id: BOB }, subject: BOB, sourceIp: '203.0.113.9' }),
        );
      }
      await log.record(auditEvent(5, { actor: { type: 'system', id: null }, action: undeclaredAction('config.reload') }));
      expect(await log.integrate()).toBe(6);
    }

    it("seals a subject's personal fields: never in clear in the database, disclosed to readers, committed to by the leaf", async () => {
      await seed();
      const stored = JSON.stringify(await rows());
      for (const personal of [ALICE_IP, ALICE_UA, 'alice@example.test', '203.0.113.9']) expect(stored).not.toContain(personal);
      const alice = (await rows())[0];
      expect(JSON.parse(alice?.leaf ?? '{}')).toMatchObject({
        actor: { id: null },
        source_ip: null,
        personal: { fields: ['actor.id', 'details.email', 'source_ip', 'user_agent'] },
      });
      expect(JSON.parse(alice?.leaf ?? '{}')).not.toHaveProperty('subject');
      const page = await reader().list({ orgs: ['system'], limit: 10 });
      expect(page.entries.map((e) => e.index)).toEqual([5, 4, 3, 2, 1, 0]);
      expect(page.entries[5]).toMatchObject({
        index: 0,
        actor: { type: 'user', id: ALICE },
        source_ip: ALICE_IP,
        user_agent: ALICE_UA,
        details: { email: 'alice@example.test', attempt: 0 },
        leaf_hash: alice?.leaf_hash,
      });
      await (await store.ledger()).issueCheckpoint();
      expect(await exportAndVerify()).toMatchObject({ ok: true, entries: 6, erasedPersonal: 0 });
    });

    it('erasing a subject shows its fields as [erased]; tree, proofs, earlier checkpoints and verify still pass', async () => {
      await seed();
      const ledger = await store.ledger();
      const before = (await ledger.issueCheckpoint()).checkpoint.note;
      const hashesBefore = (await rows()).map((row) => row.leaf_hash);
      const service = new AuditService(ledger, { log });

      await service.eraseSubject(ALICE);

      expect((await rows()).map((row) => row.leaf_hash)).toEqual(hashesBefore);
      expect(await store.db.db.selectFrom('audit_subject_keys').select('subject').execute()).toEqual([{ subject: BOB }]);
      const entries = (await reader().list({ orgs: ['system'], limit: 10 })).entries;
      const byIndex = new Map(entries.map((e) => [e.index, e]));
      for (const index of [0, 2, 4]) {
        expect(byIndex.get(index)).toMatchObject({
          actor: { type: 'user', id: '[erased]' },
          source_ip: '[erased]',
          user_agent: '[erased]',
          details: { email: '[erased]', attempt: index },
        });
      }
      // Bob's are untouched.
      expect(byIndex.get(1)).toMatchObject({ actor: { id: BOB }, source_ip: '203.0.113.9' });
      // Filtering by the erased actor finds nothing any more.
      expect((await reader().list({ orgs: ['system'], limit: 10, actor: ALICE })).entries).toEqual([]);

      // The checkpoint signed before the erasure still verifies the export, and inclusion proofs hold.
      const saved = join(store.instance.dataDir, '..', 'before-erasure.note');
      (await import('node:fs')).writeFileSync(saved, before);
      expect(await exportAndVerify([saved])).toMatchObject({ ok: true, entries: 6, erasedPersonal: 3 });
      const exported = readFileSync(file, 'utf8');
      expect(exported).not.toContain(ALICE_IP);
      expect(exported).not.toContain('alice@example.test');
      expect(exported).toContain('"personal":"[erased]"');
      const vkey = parseVkey(ledger.verifierKey());
      if (!vkey.ok) throw new Error(vkey.code);
      const head = openCheckpoint(before, [vkey.verifier], vkey.verifier.name);
      if (!head.ok) throw new Error(head.code);
      const proof = await service.inclusionProof(2, 6);
      expect(verifyInclusion(proof.leafHash, 2, 6, proof.proof, head.checkpoint.rootHash)).toEqual({ ok: true });
    });

    it('a disclosure that is not the one the leaf commits to fails verify at its index', async () => {
      await seed();
      await (await store.ledger()).issueCheckpoint();
      expect(await runAuditExport(testConfig(store.instance), quiet, { out: file })).toBe(0);
      const forged = readFileSync(file, 'utf8').replace(ALICE_IP, '192.0.2.200');
      (await import('node:fs')).writeFileSync(file, forged);
      expect((await verifyExportFile(file, {})).failure).toMatchObject({ code: 'disclosure_mismatch', index: 0 });
    });

    it('entries written before migration 0011 (format 1) have their payload dropped on erasure, and still verify', async () => {
      const legacy = store.log().log; // no subject key: format 1, every field in the leaf
      await legacy.record(aliceLogin(0));
      await legacy.record(auditEvent(1, { subject: BOB }));
      await legacy.integrate();
      const ledger = await store.ledger();
      await ledger.issueCheckpoint();
      expect((await rows()).map((row) => row.format)).toEqual([1, 1]);
      await log.eraseSubject(ALICE);
      const [alice, bob] = await rows();
      expect(alice).toMatchObject({ payload: 'erased', leaf: '', source_ip: null, user_agent: null, details: null, subject: null });
      expect(bob).toMatchObject({ payload: null, subject: BOB });
      expect(await exportAndVerify()).toMatchObject({ ok: true, entries: 2, erasedPayloads: 1 });
      expect(readFileSync(file, 'utf8')).not.toContain(ALICE_IP);
    });

    it('retention drops payloads past their age and keeps leaf hashes; verify reports expired payloads', async () => {
      await seed();
      store.clock.advance(40 * DAY);
      await log.record(auditEvent(6));
      await log.integrate();
      const ledger = await store.ledger();
      const checkpoint = (await ledger.issueCheckpoint()).checkpoint;
      const hashesBefore = (await rows()).map((row) => row.leaf_hash);
      const service = new AuditService(ledger, { forgetting: reader(), clock: store.clock, retentionDays: 30 });

      expect(await service.prune()).toEqual({ expired: 6, before: store.clock.now() - 30 * DAY });

      const after = await rows();
      expect(after.map((row) => row.leaf_hash)).toEqual(hashesBefore);
      expect(after.map((row) => row.payload)).toEqual(['expired', 'expired', 'expired', 'expired', 'expired', 'expired', null]);
      expect(after[0]).toMatchObject({ leaf: '', sealed: null, source_ip: null, details: null });
      expect((await reader().list({ orgs: ['system'], limit: 10 })).entries.map((e) => e.index)).toEqual([6]);
      expect(await exportAndVerify()).toMatchObject({ ok: true, entries: 7, expiredPayloads: 6, checkpointsVerified: 1 });
      const proof = await service.inclusionProof(3, 7);
      expect(verifyInclusion(proof.leafHash, 3, 7, proof.proof, checkpoint.rootHash)).toEqual({ ok: true });
      // A second run finds nothing more to drop.
      expect((await service.prune()).expired).toBe(0);
    });

    it('`rampart audit prune --days` drops old payloads and reports how many', async () => {
      await seed();
      const results: unknown[] = [];
      const out: Output = { ...quiet, result: (data) => results.push(data) };
      // The entries were recorded at the fake clock's time (2026); the CLI's "now" is the real one.
      const ageDays = Math.floor((Date.now() - store.clock.now()) / DAY);
      if (ageDays > 1) {
        expect(await runAuditPrune(testConfig(store.instance), out, { days: String(ageDays - 1) })).toBe(0);
        expect(results).toEqual([{ expired: 6, before: expect.any(String) as unknown }]);
      } else {
        expect(await runAuditPrune(testConfig(store.instance), out, { days: '1' })).toBe(0);
        expect(results).toEqual([{ expired: 0, before: expect.any(String) as unknown }]);
      }
      expect(await runAuditPrune(testConfig(store.instance), out, { days: '0' })).toBe(2);
    });
  });
}
