/**
 * The exploit: someone with write access to the database edits the audit log to hide what was
 * done — changes a field, deletes a row, reorders rows, inserts one, or truncates the log and
 * grows it again — possibly recomputing the leaf hashes. `rampart audit verify` on an export must
 * detect each and name the first index that fails (a per-entry fault exactly; a rewrite whose
 * hashes were recomputed, to the first index after the last checkpoint that still holds).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowEntry } from '../../src/audit/adapters/audit-rows.js';
import type { SqlAuditLog } from '../../src/audit/adapters/sql-audit-log.js';
import { runAuditExport, verifyExportFile } from '../../src/audit/cli/audit.js';
import type { Output } from '../../src/kernel/cli/output.js';
import { auditLeaf, auditLeafHash } from '../../src/audit/crypto/audit-leaf.js';
import { backends } from '../helpers/backends.js';
import { cleanEnv } from '../helpers/processes.js';
import { testConfig } from '../helpers/rampart.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';

const quiet: Output = { json: true, result: () => undefined, progress: () => undefined, note: () => undefined };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

for (const backend of await backends()) {
  describe(`audit tamper detection on ${backend.name}`, () => {
    let store: AuditStore;
    let file: string;
    let saved20: string;
    let log: SqlAuditLog;

    /** 20 entries with checkpoints at 10 and 20; the auditor keeps the one at 20. */
    beforeEach(async () => {
      store = await auditStore(backend);
      file = join(store.instance.dataDir, '..', 'export.jsonl');
      log = store.log().log;
      const ledger = await store.ledger();
      for (const size of [10, 20]) {
        await Promise.all(Array.from({ length: 10 }, (_, n) => log.record(auditEvent(size - 10 + n))));
        await log.integrate();
        saved20 = (await ledger.issueCheckpoint()).checkpoint.note;
      }
    });
    afterEach(async () => {
      await store.cleanup();
    });

    const entries = () => store.db.db.selectFrom('audit_entries');
    async function exportAndVerify(checkpoint: string[] = []) {
      expect(await runAuditExport(testConfig(store.instance), quiet, { out: file })).toBe(0);
      return verifyExportFile(file, { checkpoint });
    }

    it('an untouched log verifies: 20 entries, both checkpoints', async () => {
      expect(await exportAndVerify()).toEqual({
        ok: true,
        entries: 20,
        checkpointsVerified: 2,
        expiredPayloads: 0,
        erasedPayloads: 0,
        erasedPersonal: 0,
        covered: 20,
        uncovered: 0,
      });
    });

    it('a changed field is named at its index', async () => {
      await store.db.db.updateTable('audit_entries').set({ action: 'user.noop' }).where('leaf_index', '=', 7).execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'leaf_mismatch', index: 7 });
    });

    it('a changed field with its leaf and hash recomputed fails the checkpoint that covers it', async () => {
      const row = await entries().selectAll().where('leaf_index', '=', 13).executeTakeFirstOrThrow();
      const leaf = auditLeaf({ ...rowEntry(row, 13), result: 'success', action: 'user.noop' });
      const leafHash = Buffer.from(auditLeafHash(leaf)).toString('base64');
      await store.db.db
        .updateTable('audit_entries')
        .set({ action: 'user.noop', result: 'success', leaf, leaf_hash: leafHash })
        .where('leaf_index', '=', 13)
        .execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'checkpoint_root_mismatch', index: 10, rangeEnd: 19 });
    });

    it('a deleted row is named at its index', async () => {
      await store.db.db.deleteFrom('audit_entries').where('leaf_index', '=', 5).execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'entry_missing', index: 5 });
    });

    it('two rows swapped (reordered) are named at the first of them', async () => {
      const a = await entries().selectAll().where('leaf_index', '=', 3).executeTakeFirstOrThrow();
      const b = await entries().selectAll().where('leaf_index', '=', 12).executeTakeFirstOrThrow();
      await store.db.db
        .updateTable('audit_entries')
        .set({ ...b, leaf_index: 3 })
        .where('leaf_index', '=', 3)
        .execute();
      await store.db.db
        .updateTable('audit_entries')
        .set({ ...a, leaf_index: 12 })
        .where('leaf_index', '=', 12)
        .execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'leaf_mismatch', index: 3 });
    });

    it('an inserted row (entry 8 replayed after itself) is named at the inserted index', async () => {
      // Shift 9.. up by one (in two steps: the primary key is checked row by row), then insert the copy.
      await sql`update audit_entries set leaf_index = leaf_index + 1000 where leaf_index >= 9`.execute(store.db.db);
      await sql`update audit_entries set leaf_index = leaf_index - 999 where leaf_index >= 1000`.execute(store.db.db);
      const copy = await entries().selectAll().where('leaf_index', '=', 8).executeTakeFirstOrThrow();
      await store.db.db
        .insertInto('audit_entries')
        .values({ ...copy, leaf_index: 9 })
        .execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'leaf_mismatch', index: 9 });
    });

    it('a truncated log is named at the first missing index', async () => {
      await store.db.db.deleteFrom('audit_entries').where('leaf_index', '>=', 15).execute();
      expect((await exportAndVerify()).failure).toMatchObject({ code: 'entry_missing', index: 15 });
    });

    it('truncated and grown again, its own checkpoints hidden, it fails against the checkpoint saved earlier', async () => {
      await store.db.db.deleteFrom('audit_entries').where('leaf_index', '>=', 15).execute();
      await sql`delete from audit_subtrees where (idx + 1) * (1 << level) > 15`.execute(store.db.db);
      await store.db.db.deleteFrom('audit_checkpoints').where('size', '>', 15).execute();
      // The running log (the integrator) reloads its frontier from the stored subtrees and goes on at 15.
      await Promise.all(Array.from({ length: 10 }, (_, n) => log.record(auditEvent(100 + n))));
      expect(await log.integrate()).toBe(25);
      await (await store.ledger()).issueCheckpoint();
      // On its own, the rewritten log is self-consistent: only a checkpoint kept elsewhere shows it.
      expect(await exportAndVerify()).toMatchObject({ ok: true, entries: 25 });
      const savedFile = join(store.instance.dataDir, '..', 'saved.note');
      writeFileSync(savedFile, saved20);
      // The truncation at 15 lies in [10, 19]: the first index after the last checkpoint (10) that holds.
      expect((await exportAndVerify([savedFile])).failure).toMatchObject({ code: 'checkpoint_root_mismatch', index: 10, rangeEnd: 19 });
    });

    it('`rampart audit verify` exits 1 and prints the failing index', async () => {
      await store.db.db.updateTable('audit_entries').set({ resource: 'usr_other' }).where('leaf_index', '=', 4).execute();
      expect(await runAuditExport(testConfig(store.instance), quiet, { out: file })).toBe(0);
      const run = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'audit', 'verify', file, '--json'], {
          env: cleanEnv(store.instance.env),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout }));
      });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, failure: { code: 'leaf_mismatch', index: 4 } });
    });
  });
}
