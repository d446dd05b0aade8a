/**
 * The audit log's fast paths, on every backend: a proof, its root and its leaf are read in ONE
 * subtree query; each sealed entry of a batch has its own salt and nonce (one random buffer per
 * batch); the per-subject key cache never outlives an erasure, even on another instance; on
 * SQLite, the prepared-statement append writes exactly the rows the Kysely append writes.
 */
import { type KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subtreeSource } from '../../src/audit/adapters/audit-tree-append.js';
import { SqlAuditLog } from '../../src/audit/adapters/sql-audit-log.js';
import { SqlAuditReader } from '../../src/audit/adapters/sql-audit-reader.js';
import { SqlAuditSubjects } from '../../src/audit/adapters/sql-audit-subjects.js';
import { auditSubjectKeyWrap } from '../../src/audit/compose.js';
import { masterKeyOf } from '../../src/kernel/master-key.js';
import { inclusionProof, rootFromLeafHashes, rootFromSource, verifyInclusion } from '../../src/audit/crypto/merkle.js';
import type { Secret } from '../../src/kernel/domain/secret.js';
import { auditEvent, auditStore, type AuditStore } from '../helpers/audit.js';
import { backends } from '../helpers/backends.js';
import { testConfig } from '../helpers/rampart.js';

const ALICE = 'usr_alice';

/** A Kysely plugin that counts the queries run through it. */
function queryCounter(): { plugin: KyselyPlugin; count: () => number } {
  let count = 0;
  return {
    plugin: {
      transformQuery: (args) => {
        count += 1;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    },
    count: () => count,
  };
}

const aliceEvent = (n: number) =>
  auditEvent(n, { actor: { type: 'user', id: ALICE }, sourceIp: '198.51.100.7', details: { email: 'alice@example.test', n } });

for (const backend of await backends()) {
  describe(`audit append and proof paths on ${backend.name}`, () => {
    let store: AuditStore;
    let wrap: Secret<Buffer>;

    beforeEach(async () => {
      store = await auditStore(backend);
      wrap = auditSubjectKeyWrap(masterKeyOf(testConfig(store.instance)));
    });
    afterEach(async () => {
      await store.cleanup();
    });

    const leafHashes = async () =>
      (await store.db.db.selectFrom('audit_entries').select('leaf_hash').orderBy('leaf_index').execute()).map(
        (row) => new Uint8Array(Buffer.from(row.leaf_hash, 'base64')),
      );

    it('reads an inclusion proof, its root and its leaf in one subtree query', async () => {
      const { log } = store.log();
      await Promise.all(Array.from({ length: 1000 }, (_, n) => log.record(auditEvent(n))));
      expect(await log.integrate()).toBe(1000);
      const root = rootFromLeafHashes(await leafHashes());
      const counter = queryCounter();
      const source = subtreeSource(store.db.db.withPlugin(counter.plugin));
      for (const index of [0, 511, 777, 999]) {
        const before = counter.count();
        const [proof, rootHash, leaf] = await Promise.all([
          inclusionProof(index, 1000, source),
          rootFromSource(1000, source),
          source.subtree(index, 1),
        ]);
        expect(counter.count() - before).toBe(1);
        expect(Buffer.from(rootHash).equals(Buffer.from(root))).toBe(true);
        expect(verifyInclusion(leaf, index, 1000, proof, root).ok).toBe(true);
      }
      // An absent subtree reads as no hash (proof generation then refuses it), never as a guess.
      expect(await source.subtree(1024, 1024)).toEqual(new Uint8Array(0));
    });

    it("the ledger's cache of upper subtrees never caches an absence, and its proofs verify", async () => {
      const ledger = await store.ledger();
      const { log } = store.log();
      await Promise.all(Array.from({ length: 300 }, (_, n) => log.record(auditEvent(n))));
      expect(await log.integrate()).toBe(300);
      expect(await ledger.subtree(256, 256)).toEqual(new Uint8Array(0)); // not complete yet
      await Promise.all(Array.from({ length: 300 }, (_, n) => log.record(auditEvent(300 + n))));
      expect(await log.integrate()).toBe(600);
      const hashes = await leafHashes();
      const expected = rootFromLeafHashes(hashes.slice(256, 512));
      for (let round = 0; round < 2; round++) {
        const hash = await ledger.subtree(256, 256);
        expect(Buffer.from(hash).equals(Buffer.from(expected))).toBe(true);
        hash.fill(0); // a caller changing what it got does not change the cache
      }
      const root = rootFromLeafHashes(hashes);
      for (const index of [0, 300, 599]) {
        const proof = await inclusionProof(index, 600, ledger);
        expect(verifyInclusion(hashes[index] as Uint8Array, index, 600, proof, root).ok).toBe(true);
      }
    });

    it('gives every sealed entry of a batch its own salt and its own nonce', async () => {
      const { log } = store.log({ subjectKeyWrap: wrap, maxBatch: 512, maxDelayMs: 50 });
      await Promise.all(Array.from({ length: 300 }, (_, n) => log.record(aliceEvent(n))));
      expect(log.stats()).toEqual({ transactions: 1, events: 300 });
      expect(await log.integrate()).toBe(300);
      const rows = await store.db.db.selectFrom('audit_entries').select('sealed').execute();
      const nonces = rows.map((row) =>
        Buffer.from((row.sealed as string).slice('v1.'.length), 'base64')
          .subarray(0, 12)
          .toString('hex'),
      );
      expect(new Set(nonces).size).toBe(300);
      const read = await new SqlAuditReader(store.db.db, new SqlAuditSubjects(wrap)).readFrom(0, 1000);
      const salts = read.map((entry) => (entry.dropped === undefined ? entry.disclosure?.salt : undefined));
      expect(salts.every((salt) => typeof salt === 'string' && Buffer.from(salt, 'base64').length === 16)).toBe(true);
      expect(new Set(salts).size).toBe(300);
      expect(read.map((entry) => (entry.dropped === undefined ? entry.disclosed.details?.email : undefined))).toEqual(
        Array.from({ length: 300 }, () => 'alice@example.test'),
      );
    });

    it('never seals with a key erased on another instance: the next entry gets a new key', async () => {
      const first = store.log({ subjectKeyWrap: wrap }).log;
      const second = store.log({ subjectKeyWrap: wrap }).log;
      const keyRow = () =>
        store.db.db.selectFrom('audit_subject_keys').select('sealed_key').where('subject', '=', ALICE).executeTakeFirst();
      await second.record(aliceEvent(1)); // `second` now holds Alice's key in its cache
      const before = await keyRow();
      expect(before).toBeDefined();
      await first.eraseSubject(ALICE);
      expect(await keyRow()).toBeUndefined();
      await second.record(aliceEvent(2));
      const after = await keyRow();
      expect(after).toBeDefined();
      expect(after?.sealed_key).not.toBe(before?.sealed_key);
      expect(await second.integrate()).toBe(2);
      const read = await new SqlAuditReader(store.db.db, new SqlAuditSubjects(wrap)).readFrom(0, 10);
      const emails = read.map((entry) => (entry.dropped === undefined ? entry.disclosed.details?.email : undefined));
      // The erased entry stays erased; the new one opens with the new key.
      expect(emails).toEqual(['[erased]', 'alice@example.test']);
    });

    it('forgets an erased subject key at once on the instance that erased it', async () => {
      const subjects = new SqlAuditSubjects(wrap);
      await store.db.db.transaction().execute((trx) => subjects.keysCreating(trx, [ALICE, 'usr_bob'], 1));
      expect(subjects.cachedKeys).toBe(2);
      await subjects.erase(store.db.db, ALICE);
      expect(subjects.cachedKeys).toBe(1);
      expect([...(await subjects.keys(store.db.db, [ALICE, 'usr_bob'])).keys()]).toEqual(['usr_bob']);
    });

    if (backend.name === 'sqlite') {
      it('the prepared-statement append writes the very rows, leaves and subtrees the Kysely append writes', async () => {
        const fast = store.log().log;
        const viaKysely = new SqlAuditLog({ ...store.open(), sqlite: undefined }, { clock: store.clock });
        const other = await auditStore(backend);
        try {
          const slow = new SqlAuditLog({ ...other.db, sqlite: undefined }, { clock: other.clock });
          for (let n = 0; n < 70; n++) {
            await Promise.all([fast.record(auditEvent(n)), slow.record(auditEvent(n))]);
          }
          await slow.close();
          const dump = async (s: AuditStore) => ({
            entries: await s.db.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute(),
            subtrees: await s.db.db.selectFrom('audit_subtrees').selectAll().orderBy('level').orderBy('idx').execute(),
          });
          expect(await dump(store)).toEqual(await dump(other));
          // Both paths append to the same tree: the Kysely one picks up where the prepared one stopped.
          await viaKysely.record(auditEvent(70));
          expect(await viaKysely.integrate()).toBe(71);
          await fast.record(auditEvent(71));
          expect(await fast.integrate()).toBe(72);
          const root = rootFromLeafHashes(await leafHashes());
          expect(Buffer.from(await rootFromSource(72, subtreeSource(store.db.db))).equals(Buffer.from(root))).toBe(true);
        } finally {
          await viaKysely.close();
          await other.cleanup();
        }
      });
    }
  });
}
