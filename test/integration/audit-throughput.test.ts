/**
 * Issue 20, items 3 and 4 (docs/decisions/031-audit-group-commit.md): the group-committed log
 * resolves each caller only once its batch is durable and rejects every caller of a batch that
 * failed, leaving nothing of it; the storage of migration 0030 (rowid entries, `WITHOUT ROWID`
 * subtrees) is what the log writes; a checkpoint covering a fresh entry is signed within the
 * interval, at most one per interval; and `rampart audit verify` states what the newest signed
 * checkpoint covers. Concurrent appenders on two PostgreSQL instances making one tree are proved in
 * test/integration/audit-integrator.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditExport, runAuditVerify } from '../../src/audit/cli/audit.js';
import { rootFromLeafHashes, verifyInclusion } from '../../src/audit/crypto/merkle.js';
import { openCheckpoint, parseVkey } from '../../src/audit/crypto/signed-note.js';
import { CheckpointScheduler } from '../../src/audit/services/checkpoint-scheduler.js';
import { loadConfig } from '../../src/config.js';
import { auditedChange } from '../../src/kernel/audited-change.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';
import { backends } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Makes the store refuse an entry whose resource is `boom` (the batch's transaction then fails as a whole). */
async function refuseBoom(store: AuditStore): Promise<void> {
  const db = store.db.db;
  if (store.db.dialect === 'postgres') {
    await sql`create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.resource = 'boom' then raise exception 'refused'; end if; return new; end $$`.execute(db);
    for (const table of ['audit_pending', 'audit_entries']) {
      await sql`create trigger ${sql.raw(`${table}_boom`)} before insert on ${sql.table(table)} for each row execute function refuse_boom()`.execute(
        db,
      );
    }
  } else {
    await sql`create trigger audit_boom before insert on audit_entries when new.resource = 'boom' begin select raise(abort, 'refused'); end`.execute(
      db,
    );
  }
}

/** How many stored entries (queued on PostgreSQL or integrated) have `resource`, read in ONE statement (one snapshot). */
async function storedCount(database: SqlDatabase, resource: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select
    (select count(*) from audit_pending where resource = ${resource}) + (select count(*) from audit_entries where resource = ${resource}) as n`.execute(
    database.db,
  );
  return Number(rows[0]?.n);
}

async function storedHashes(store: AuditStore): Promise<Uint8Array[]> {
  const rows = await store.db.db.selectFrom('audit_entries').select('leaf_hash').orderBy('leaf_index').execute();
  return rows.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')));
}

for (const backend of await backends()) {
  describe(`audit group commit on ${backend.name}`, () => {
    let store: AuditStore;

    beforeAll(async () => {
      store = await auditStore(backend);
      await refuseBoom(store);
    });
    afterAll(async () => {
      await store?.cleanup();
    });

    it('perf 3: each caller resolves only once its entry is stored, read back through another handle', async () => {
      const { log } = store.log({ maxDelayMs: 5 });
      const reader = store.open();
      const count = (resource: string): Promise<number> => storedCount(reader, resource);
      const seen = await Promise.all(
        Array.from({ length: 300 }, async (_, n) => {
          await log.record(auditEvent(n, { resource: `durable_${n}` }));
          return count(`durable_${n}`);
        }),
      );
      expect(seen.every((found) => found === 1)).toBe(true);
      expect(log.stats().transactions).toBeLessThan(300); // grouped: fewer transactions than events
      await log.close();
    });

    it('perf 3: a failed batch rejects every caller in it, no change runs, nothing of it is stored, and the tree goes on', async () => {
      const { log } = store.log({ maxDelayMs: 50 });
      await log.integrate();
      const before = await storedHashes(store);
      let changes = 0;
      const change = () => {
        changes += 1;
        return Promise.resolve();
      };
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, n) => auditedChange(log, auditEvent(n, { resource: `batch_${n}` }), change)),
        auditedChange(log, auditEvent(99, { resource: 'boom' }), change),
      ]);
      expect(
        outcomes.every((o) => o.status === 'rejected' && o.reason instanceof DomainError && o.reason.code === 'audit_unavailable'),
      ).toBe(true);
      expect(changes).toBe(0);
      await log.integrate().catch(() => undefined);
      // The batch's transaction rolled back: none of it is stored, queued (as earlier versions did) or in the log.
      const pending = await store.db.db.selectFrom('audit_pending').select('resource').where('resource', 'like', 'batch_%').execute();
      expect(pending).toEqual([]);
      expect(await storedHashes(store)).toEqual(before);
      // The next batch is appended to the same, still verifiable tree.
      await Promise.all(Array.from({ length: 5 }, (_, n) => log.record(auditEvent(n, { resource: `after_${n}` }))));
      expect(await log.integrate()).toBe(before.length + 5);
      const hashes = await storedHashes(store);
      const ledger = await store.ledger();
      const { AuditService } = await import('../../src/audit/services/audit-service.js');
      const proof = await new AuditService(ledger).inclusionProof(hashes.length - 1, hashes.length);
      expect(
        verifyInclusion(hashes.at(-1) as Uint8Array, hashes.length - 1, hashes.length, proof.proof, rootFromLeafHashes(hashes)).ok,
      ).toBe(true);
      await log.close();
    });

    it('perf 3: a log closed under queued events writes them before it refuses more; a refused caller gets audit_unavailable', async () => {
      const { log } = store.log({ maxDelayMs: 1000 });
      const queued = Array.from({ length: 10 }, (_, n) => log.record(auditEvent(n, { resource: `closing_${n}` })));
      await log.close();
      await Promise.all(queued);
      await expect(log.record(auditEvent(11))).rejects.toMatchObject({ code: 'audit_unavailable' });
      const stored = await Promise.all(Array.from({ length: 10 }, (_, n) => storedCount(store.db, `closing_${n}`)));
      expect(stored).toEqual(Array.from({ length: 10 }, () => 1));
    });

    it('perf 3: the log writes the storage of migration 0030 (subtrees by level and index)', async () => {
      const rows = await store.db.db.selectFrom('audit_subtrees').select(['level', 'idx']).where('level', '=', 0).execute();
      expect(rows.length).toBe((await storedHashes(store)).length);
      if (store.db.sqlite !== undefined) {
        const ddl = store.db.sqlite
          .prepare("select name, sql from sqlite_master where name in ('audit_subtrees', 'audit_entries')")
          .all() as {
          name: string;
          sql: string;
        }[];
        expect(ddl.find((t) => t.name === 'audit_subtrees')?.sql).toMatch(/without rowid/i);
        expect(ddl.find((t) => t.name === 'audit_entries')?.sql).toMatch(/leaf_index integer primary key/i);
        const indexes = store.db.sqlite.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'audit_entries'").all();
        expect(indexes).toHaveLength(3); // org, subject (partial), resource: no primary-key or timestamp index
      }
    });
  });

  describe(`checkpoints on demand on ${backend.name}`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await testServer(await backend.create(), { env: { ...ADMIN_ENV, RAMPART_AUDIT_CHECKPOINT_INTERVAL: '1' } });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('perf 4: an inclusion proof for an entry a client just caused verifies against a signed checkpoint within the interval', async () => {
      const admin = await login(server.app);
      const listed = await server.app.inject({
        method: 'GET',
        url: '/api/v1/orgs/system/audit?limit=1&action=auth.login',
        headers: { authorization: `Bearer ${admin.access_token}` },
      });
      expect(listed.statusCode).toBe(200);
      const body = listed.json<{ entries?: { index: number; leaf_hash: string }[]; items?: { index: number; leaf_hash: string }[] }>();
      const entry = (body.entries ?? body.items ?? [])[0];
      if (entry === undefined) throw new Error('the login left no entry');
      const caused = performance.now();
      const verifier = parseVkey((await server.app.inject({ method: 'GET', url: '/api/v1/audit/verifier-key' })).body.trim());
      if (!verifier.ok) throw new Error('verifier key');
      let size = 0;
      let root: Uint8Array = new Uint8Array(0);
      // Polled (no fixed sleep): the checkpoint comes within the 1 s interval; 5 s is the test's patience, not the promise.
      while (size <= entry.index && performance.now() - caused < 5000) {
        const note = (
          await server.app.inject({
            method: 'GET',
            url: '/api/v1/audit/checkpoint',
            headers: { authorization: `Bearer ${admin.access_token}` },
          })
        ).body;
        const opened = openCheckpoint(note, [verifier.verifier], verifier.verifier.name);
        if (!opened.ok) throw new Error(opened.code);
        size = opened.checkpoint.size;
        root = opened.checkpoint.rootHash;
        if (size <= entry.index) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(size).toBeGreaterThan(entry.index);
      expect(performance.now() - caused).toBeLessThan(1000 + 500); // the interval, plus signing and polling
      const proof = await server.app.inject({
        method: 'GET',
        url: `/api/v1/audit/proof/inclusion?index=${entry.index}&tree_size=${size}`,
        headers: { authorization: `Bearer ${admin.access_token}` },
      });
      expect(proof.statusCode).toBe(200);
      const path = proof.json<{ proof: string[] }>().proof.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
      expect(verifyInclusion(new Uint8Array(Buffer.from(entry.leaf_hash, 'base64')), entry.index, size, path, root).ok).toBe(true);
    });
  });
}

describe('the checkpoint scheduler', () => {
  it('perf 4: covers every request within the interval and signs at most one checkpoint per interval', async () => {
    const intervalMs = 40;
    const issued: number[] = [];
    let grown = 0;
    let covered = 0;
    const scheduler = new CheckpointScheduler(
      () => {
        issued.push(performance.now());
        covered = grown;
        return Promise.resolve();
      },
      intervalMs,
      (error) => {
        throw error;
      },
    );
    const waits: number[] = [];
    const started = performance.now();
    while (performance.now() - started < 300) {
      grown += 1;
      const mine = grown;
      const at = performance.now();
      scheduler.request();
      void (async () => {
        while (covered < mine) await new Promise((resolve) => setTimeout(resolve, 1));
        waits.push(performance.now() - at);
      })();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    while (covered < grown) await new Promise((resolve) => setTimeout(resolve, 5));
    await scheduler.close();
    for (let i = 1; i < issued.length; i++)
      expect((issued[i] as number) - (issued[i - 1] as number)).toBeGreaterThanOrEqual(intervalMs - 2);
    expect(issued.length).toBeLessThanOrEqual(Math.ceil(300 / intervalMs) + 2);
    expect(Math.max(...waits)).toBeLessThan(intervalMs * 3); // the interval, plus timer slack on a busy machine
  });
});

describe('rampart audit verify', () => {
  let dir: string;
  let store: AuditStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-verify-'));
    const sqlite = (await backends()).find((b) => b.name === 'sqlite');
    if (sqlite === undefined) throw new Error('no SQLite backend');
    store = await auditStore(sqlite);
  });
  afterAll(async () => {
    await store?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adoption 5: states how many entries the newest signed checkpoint covers and how many it does not yet, in text and --json', async () => {
    const { log } = store.log();
    await Promise.all(Array.from({ length: 5 }, (_, n) => log.record(auditEvent(n))));
    await log.integrate();
    await (await store.ledger()).issueCheckpoint();
    await Promise.all(Array.from({ length: 19 }, (_, n) => log.record(auditEvent(100 + n))));
    await log.integrate();
    const config = loadConfig({ env: { ...store.instance.env, RAMPART_LOG_LEVEL: 'warn' } });
    const file = join(dir, 'export.jsonl');
    expect(await runAuditExport(config, createOutput(true, new Capture(), new Capture()), { out: file })).toBe(0);
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(1 + 24 + 1);

    const text = new Capture();
    expect(await runAuditVerify(config, createOutput(false, text, new Capture()), { file }, {})).toBe(0);
    expect(text.text).toBe('verified 24 entries and 1 checkpoints; a signed checkpoint covers 5, 19 are not yet covered\n');
    const json = new Capture();
    expect(await runAuditVerify(config, createOutput(true, json, new Capture()), { file }, {})).toBe(0);
    expect(JSON.parse(json.text)).toMatchObject({ ok: true, entries: 24, checkpoints_verified: 1, covered: 5, uncovered: 19 });
  });

  it('adoption 2: without an export file, --url or a login, it asks for one instead of a token on argv', async () => {
    const config = loadConfig({ env: { ...store.instance.env, RAMPART_LOG_LEVEL: 'warn' } });
    const err = new Capture();
    const env = { RAMPART_CONFIG_HOME: join(dir, 'no-login') };
    expect(await runAuditVerify(config, createOutput(false, new Capture(), err), {}, env)).toBe(2);
    expect(err.text).toContain('log in first');
  });
});
