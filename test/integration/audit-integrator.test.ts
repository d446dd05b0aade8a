/**
 * Scale-out on PostgreSQL: several instances write the audit log at once and one elected
 * integrator (advisory lock) sequences their entries into one tree — no gap, no duplicate — and
 * when the instance holding the lock goes away, another takes over and continues the same tree.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rootFromLeafHashes } from '../../src/audit/crypto/merkle.js';
import { postgresBackend } from '../helpers/backends.js';
import { postgresAvailable } from '../helpers/services.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';

const hashes = (rows: { leaf_hash: string }[]) => rows.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')));

describe.runIf(await postgresAvailable())('audit integrator on PostgreSQL', () => {
  let store: AuditStore;
  beforeEach(async () => {
    store = await auditStore(postgresBackend);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  const entries = () =>
    store.db.db.selectFrom('audit_entries').select(['leaf_index', 'request_id', 'leaf_hash']).orderBy('leaf_index').execute();

  it('two instances writing concurrently make one tree with indices 0..n-1, each entry once', async () => {
    const a = store.log().log;
    const b = store.log().log;
    expect(await a.integrate()).toBe(0); // a leads
    expect(await b.integrate()).toBeUndefined(); // b does not
    const writes = [];
    for (let n = 0; n < 300; n++) {
      writes.push(a.record(auditEvent(n, { requestId: `a_${n}` })));
      writes.push(b.record(auditEvent(n, { requestId: `b_${n}` })));
    }
    await Promise.all(writes);
    expect(await a.integrate()).toBe(600);
    const rows = await entries();
    expect(rows.map((row) => row.leaf_index)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(600);
    expect(await store.db.db.selectFrom('audit_pending').select('seq').execute()).toEqual([]);
    // The stored subtrees give the same root as the leaves themselves.
    const ledger = await store.ledger();
    const { checkpoint } = await ledger.issueCheckpoint();
    expect(Buffer.from(checkpoint.rootHash).equals(Buffer.from(rootFromLeafHashes(hashes(rows))))).toBe(true);
  });

  it('when the integrator closes, another instance takes over and continues the same tree', async () => {
    const a = store.log().log;
    const b = store.log().log;
    expect(await a.integrate()).toBe(0);
    await Promise.all(Array.from({ length: 50 }, (_, n) => a.record(auditEvent(n, { requestId: `a_${n}` }))));
    await Promise.all(Array.from({ length: 50 }, (_, n) => b.record(auditEvent(n, { requestId: `b_${n}` }))));
    expect(await b.integrate()).toBeUndefined();
    await a.close(); // integrates what is queued, then releases the lock
    expect(b.integrating).toBe(false);
    await Promise.all(Array.from({ length: 50 }, (_, n) => b.record(auditEvent(n, { requestId: `c_${n}` }))));
    expect(await b.integrate()).toBe(150);
    expect(b.integrating).toBe(true);
    const rows = await entries();
    expect(rows.map((row) => row.leaf_index)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(rows.slice(100).every((row) => row.request_id?.startsWith('c_'))).toBe(true);
    const ledger = await store.ledger();
    const { checkpoint } = await ledger.issueCheckpoint();
    expect(Buffer.from(checkpoint.rootHash).equals(Buffer.from(rootFromLeafHashes(hashes(rows))))).toBe(true);
  });

  it('an integrator whose connection is killed loses the lock, and another takes over', async () => {
    const a = store.log().log;
    const b = store.log().log;
    expect(await a.integrate()).toBe(0);
    await b.record(auditEvent(1));
    // Kill every backend holding the integrator lock: the leader's session dies, PostgreSQL frees the lock.
    const { sql } = await import('kysely');
    // Only this test's database: other suites running at the same time hold advisory locks of their own.
    await sql`select pg_terminate_backend(pid) from pg_locks
      where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`.execute(
      store.db.db,
    );
    // pg_terminate_backend only signals: the lock is free once that backend has exited.
    let size = await b.integrate();
    for (const deadline = Date.now() + 10_000; size === undefined && Date.now() < deadline; size = await b.integrate()) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(size).toBe(1);
    await a.record(auditEvent(2));
    expect(await b.integrate()).toBe(2);
    expect((await entries()).map((row) => row.leaf_index)).toEqual([0, 1]);
  });
});
