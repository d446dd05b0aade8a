/**
 * Scale-out on PostgreSQL (issue 20 item 3, docs/decisions/039-audit-hot-path.md): several
 * instances write the audit log at once, each integrating its own batches under the tree's
 * advisory lock, and make one tree — no gap, no duplicate, the root of the leaves themselves;
 * entries an earlier version queued in `audit_pending` are integrated in their order; and an
 * appender never appends beside a holder of the lock (an earlier version's integrator).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertPending } from '../../src/audit/adapters/audit-tree-append.js';
import { entryColumns } from '../../src/audit/adapters/audit-rows.js';
import { AUDIT_TREE_LOCK } from '../../src/audit/adapters/pg-audit-tree-lock.js';
import { rootFromLeafHashes } from '../../src/audit/crypto/merkle.js';
import { auditEntryText } from '../../src/kernel/domain/audit-entry.js';
import { postgresBackend } from '../helpers/backends.js';
import { postgresAvailable } from '../helpers/services.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';

const hashes = (rows: { leaf_hash: string }[]) => rows.map((row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')));

describe.runIf(await postgresAvailable())('audit tree on PostgreSQL, several writers', () => {
  let store: AuditStore;
  beforeEach(async () => {
    store = await auditStore(postgresBackend);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  const entries = () =>
    store.db.db.selectFrom('audit_entries').select(['leaf_index', 'request_id', 'leaf_hash']).orderBy('leaf_index').execute();

  async function checkpointRoot(): Promise<Buffer> {
    const ledger = await store.ledger();
    return Buffer.from((await ledger.issueCheckpoint()).checkpoint.rootHash);
  }

  it('perf 3: two instances writing concurrently, two transactions at a time each, make one tree with indices 0..n-1, each entry once', async () => {
    const a = store.log({ maxBatch: 16 }).log;
    const b = store.log({ maxBatch: 16 }).log;
    const writes = [];
    for (let n = 0; n < 300; n++) {
      writes.push(a.record(auditEvent(n, { requestId: `a_${n}` })));
      writes.push(b.record(auditEvent(n, { requestId: `b_${n}` })));
    }
    await Promise.all(writes);
    // Every caller resolved: every entry is already in the tree, whoever wrote it.
    const rows = await entries();
    expect(rows.map((row) => row.leaf_index)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(600);
    expect(a.stats().transactions + b.stats().transactions).toBeGreaterThanOrEqual(2 * Math.ceil(300 / 16));
    expect(await a.integrate()).toBe(600);
    expect(await b.integrate()).toBe(600);
    // The stored subtrees (appended in batches, by both instances) give the root of the leaves themselves.
    expect((await checkpointRoot()).equals(Buffer.from(rootFromLeafHashes(hashes(rows))))).toBe(true);
  });

  it('perf 3: entries an earlier version queued in audit_pending are integrated in their order, and the tree goes on', async () => {
    const a = store.log().log;
    await Promise.all(Array.from({ length: 10 }, (_, n) => a.record(auditEvent(n, { requestId: `new_${n}` }))));
    // What an instance of an earlier version did: queue format-1 entries for its integrator.
    const queued = Array.from({ length: 30 }, (_, n) => entryColumns(auditEntryText(auditEvent(n, { requestId: `old_${n}` })), 1_000 + n));
    await store.db.db.transaction().execute((trx) => insertPending(trx, 'postgres', queued));
    expect(await a.integrate()).toBe(40);
    await Promise.all(Array.from({ length: 5 }, (_, n) => a.record(auditEvent(n, { requestId: `later_${n}` }))));
    const rows = await entries();
    expect(rows.map((row) => row.request_id)).toEqual([
      ...Array.from({ length: 10 }, (_, n) => `new_${n}`),
      ...Array.from({ length: 30 }, (_, n) => `old_${n}`),
      ...Array.from({ length: 5 }, (_, n) => `later_${n}`),
    ]);
    expect(await store.db.db.selectFrom('audit_pending').select('seq').execute()).toEqual([]);
    expect((await checkpointRoot()).equals(Buffer.from(rootFromLeafHashes(hashes(rows))))).toBe(true);
  });

  it('perf 3: while another session holds the tree lock (an earlier version integrator), a batch waits, then appends after it', async () => {
    const a = store.log().log;
    await a.record(auditEvent(0));
    const holder = store.open();
    await holder.db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${AUDIT_TREE_LOCK})`.execute(connection);
      let settled = false;
      const waiting = a.record(auditEvent(1, { requestId: 'waited' })).finally(() => (settled = true));
      // The batch reached the lock: its transaction waits on this session's advisory lock.
      for (let seen = false; !seen;) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from pg_locks
          where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`.execute(
          connection,
        );
        seen = Number(rows[0]?.n) > 0;
      }
      expect(settled).toBe(false);
      expect((await entries()).map((row) => row.request_id)).toEqual(['req_0']);
      await sql`select pg_advisory_unlock(${AUDIT_TREE_LOCK})`.execute(connection);
      await waiting;
    });
    expect((await entries()).map((row) => [row.leaf_index, row.request_id])).toEqual([
      [0, 'req_0'],
      [1, 'waited'],
    ]);
  });
});
