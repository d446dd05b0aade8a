/**
 * The audit log's privacy storage (migration 0011): per-subject keys that seal personal fields,
 * wrapped with AES-256-GCM under a key derived from the master key (the subject id as associated
 * data, so a wrapped key moved to another subject does not open); erasure of a subject (its key
 * destroyed, its sealed values deleted, its format-1 entries' payloads dropped); retention (the
 * payloads of entries past their age dropped); and reads that disclose sealed fields while the
 * subject's key exists. Leaf hashes and subtrees are never touched: proofs, checkpoints and
 * `rampart audit verify` keep passing.
 */
import { randomKey } from '../../kernel/crypto/random.js';
import type { Transaction } from 'kysely';
import { openAesGcm, sealAesGcm } from '../../kernel/crypto/aes-gcm-seal.js';
import { disclosedEntry, openPersonal, parsePersonalRef, type PersonalDisclosure, type PersonalRef } from '../crypto/audit-personal.js';
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { rowEntry } from './audit-rows.js';
import type { AuditEntryTable } from './audit-tables.js';
import type { RampartDatabase, RampartKysely } from '../../kernel/adapters/sql/schema.js';

type Db = RampartKysely | Transaction<RampartDatabase>;

const keyAad = (subject: string): string => `rampart/v1/audit-subject-key/${subject}`;
const DROP_PAGE = 2000;

/** Why an entry has no payload: retention dropped it, or its (pre-0011) subject was erased. */
export type DroppedPayload = 'expired' | 'erased';

/** An entry as readers see it: disclosed, or with its payload dropped. */
export type ReadEntry =
  | {
      readonly index: number;
      readonly leafHash: string;
      readonly leaf: string;
      readonly entry: AuditEntry;
      /** The entry with its personal fields restored (or shown as `[erased]`). */
      readonly disclosed: AuditEntry;
      readonly personal?: PersonalRef;
      /** The values and salt the leaf commits to, while the subject's key exists. */
      readonly disclosure?: PersonalDisclosure;
      readonly dropped?: undefined;
    }
  | { readonly index: number; readonly leafHash: string; readonly dropped: DroppedPayload; readonly timestamp: number };

/** The subject-key reads and writes of a synchronous store (SQLite's prepared statements). */
export interface SubjectKeyStatements {
  sealedKey(subject: string): string | undefined;
  insertKey(subject: string, sealedKey: string, createdAt: number): void;
}

/** How many unwrapped subject keys an instance keeps; the least recently used go first. */
export const SUBJECT_KEY_CACHE_SIZE = 10_000;

export class SqlAuditSubjects {
  readonly #wrapKey: Secret<Buffer> | undefined;
  /**
   * Unwrapped keys by subject, with the wrapped key they came from. An entry is used only when
   * the row just read in the caller's transaction holds that same wrapped key: a key erased (or
   * erased and made anew) by any instance is never used again, and is dropped when seen.
   */
  readonly #cache = new Map<string, { readonly sealed: string; readonly key: Buffer }>();
  /** Retention: every entry below this index has had its payload dropped or erased (see {@link expire}). */
  #expiredBelow = 0;

  /** Without `wrapKey` (an auditor's export) sealed fields read as erased. */
  constructor(wrapKey: Secret<Buffer> | undefined) {
    this.#wrapKey = wrapKey;
  }

  /** The key a stored row `sealed` holds for `subject`: from the cache when it is the same row, else unwrapped and cached. */
  #key(subject: string, sealed: string | undefined): Buffer | undefined {
    const cached = this.#cache.get(subject);
    if (cached !== undefined) {
      this.#cache.delete(subject);
      if (cached.sealed === sealed) {
        this.#cache.set(subject, cached); // most recently used last
        return cached.key;
      }
    }
    if (sealed === undefined || this.#wrapKey === undefined) return undefined;
    const key = openAesGcm(this.#wrapKey.reveal(), sealed, keyAad(subject));
    if (key === undefined) return undefined;
    this.#cache.set(subject, { sealed, key });
    if (this.#cache.size > SUBJECT_KEY_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
    return key;
  }

  /** How many unwrapped keys this instance holds (observable for tests of erasure). */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  #newSealedKey(subject: string): string {
    const wrapKey = this.#wrapKey;
    if (wrapKey === undefined) throw new Error('sealing audit entries needs the master key');
    return sealAesGcm(wrapKey.reveal(), randomKey(32), keyAad(subject));
  }

  /** The existing keys of `subjects` (an erased or unknown subject has none). */
  async keys(db: Db, subjects: Iterable<string>): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(subjects)];
    const keys = new Map<string, Buffer>();
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      const rows = await db.selectFrom('audit_subject_keys').select(['subject', 'sealed_key']).where('subject', 'in', chunk).execute();
      const stored = new Map(rows.map((row) => [row.subject, row.sealed_key]));
      for (const subject of chunk) {
        const key = this.#key(subject, stored.get(subject));
        if (key !== undefined) keys.set(subject, key);
      }
    }
    return keys;
  }

  /** {@link keysCreating} on a synchronous store, inside the caller's transaction. */
  keysCreatingSync(statements: SubjectKeyStatements, subjects: Iterable<string>, now: number): Map<string, Buffer> {
    const keys = new Map<string, Buffer>();
    for (const subject of new Set(subjects)) {
      let key = this.#key(subject, statements.sealedKey(subject));
      if (key === undefined) {
        statements.insertKey(subject, this.#newSealedKey(subject), now);
        // Another process may have made it first: use what is stored.
        key = this.#key(subject, statements.sealedKey(subject));
      }
      if (key === undefined) throw new Error('a subject key could not be created');
      keys.set(subject, key);
    }
    return keys;
  }

  /** The keys of `subjects`, creating the missing ones (within `trx`, so a key is durable with the first entry it seals). */
  async keysCreating(trx: Db, subjects: Iterable<string>, now: number): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(subjects)];
    const keys = await this.keys(trx, wanted);
    // Sorted: concurrent writers insert (and lock) new keys in one order, so they never deadlock.
    const missing = wanted.filter((subject) => !keys.has(subject)).sort();
    if (missing.length === 0) return keys;
    const rows = missing.map((subject) => ({ subject, sealed_key: this.#newSealedKey(subject), created_at: now }));
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('audit_subject_keys')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column('subject').doNothing())
        .execute();
    }
    // Another instance may have created some first: read back what is stored.
    for (const [subject, key] of await this.keys(trx, missing)) keys.set(subject, key);
    return keys;
  }

  /**
   * GDPR Art. 17: destroys the subject's key and the values it sealed, drops the payloads of the
   * subject's entries written before migration 0011 (their leaves hold personal fields in clear),
   * and forgets the subject's known devices. Returns how many entries were affected.
   */
  async erase(db: RampartKysely, subject: string): Promise<number> {
    // Forgotten here at once; other instances find the row gone in their next write and forget it then.
    this.#cache.delete(subject);
    const affected = await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('audit_subject_keys').where('subject', '=', subject).execute();
      await trx.deleteFrom('audit_known_devices').where('subject', '=', subject).execute();
      await trx
        .updateTable('audit_pending')
        .set({ sealed: null, subject: null })
        .where('subject', '=', subject)
        .where('format', '=', 2)
        .execute();
      const sealed = await trx
        .updateTable('audit_entries')
        .set({ sealed: null, subject: null })
        .where('subject', '=', subject)
        .where('format', '=', 2)
        .executeTakeFirst();
      const dropped = await dropPayloads(trx, 'erased', { subject });
      return Number(sealed.numUpdatedRows) + dropped;
    });
    this.#cache.delete(subject); // a write that ran meanwhile may have cached it again
    return affected;
  }

  /**
   * Retention: drops the payloads of entries recorded before `before` (ms), keeping their leaf
   * hashes. The log is walked in index order (the rowid; no index on `timestamp` to keep up on
   * every append, migration 0030) from the first entry a previous run left, and the walk stops at
   * the end of the first page holding an entry not yet due. Timestamps follow the index only
   * roughly (several instances, queued batches), so an entry can be kept past its day until the
   * next run — never dropped before it.
   */
  async expire(db: RampartKysely, before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const page = await db
        .selectFrom('audit_entries')
        .select(['leaf_index', 'timestamp', 'payload'])
        .where('leaf_index', '>=', this.#expiredBelow)
        .orderBy('leaf_index')
        .limit(DROP_PAGE)
        .execute();
      if (page.length === 0) return total;
      const due = page.filter((row) => row.payload === null && Number(row.timestamp) < before).map((row) => Number(row.leaf_index));
      if (due.length > 0) total += await db.transaction().execute((trx) => dropPayloads(trx, 'expired', { indices: due }));
      const kept = page.find((row) => row.payload === null && Number(row.timestamp) >= before);
      if (kept !== undefined) {
        this.#expiredBelow = Number(kept.leaf_index);
        return total;
      }
      this.#expiredBelow = Number(page.at(-1)?.leaf_index ?? this.#expiredBelow) + 1;
    }
  }

  /** Stored rows as readers see them: sealed fields disclosed with the subjects' keys, dropped payloads marked. */
  async read(db: Db, rows: readonly AuditEntryTable[]): Promise<ReadEntry[]> {
    const subjects = rows.filter((row) => row.sealed !== null && row.subject !== null).map((row) => row.subject as string);
    const keys = subjects.length === 0 ? new Map<string, Buffer>() : await this.keys(db, subjects);
    return rows.map((row): ReadEntry => {
      const index = Number(row.leaf_index);
      if (row.payload === 'expired' || row.payload === 'erased') {
        return { index, leafHash: row.leaf_hash, dropped: row.payload, timestamp: Number(row.timestamp) };
      }
      const entry = rowEntry(row, index);
      const personal = parsePersonalRef(row.personal);
      if (personal === undefined) return { index, leafHash: row.leaf_hash, leaf: row.leaf, entry, disclosed: entry };
      const key = row.subject === null ? undefined : keys.get(row.subject);
      const disclosure = key === undefined || row.sealed === null ? undefined : openPersonal(key, personal, row.sealed);
      return {
        index,
        leafHash: row.leaf_hash,
        leaf: row.leaf,
        entry,
        disclosed: disclosedEntry(entry, personal, disclosure),
        personal,
        ...(disclosure === undefined ? {} : { disclosure }),
      };
    });
  }
}

/** Empties the payload of the matching entries (leaf text and every field but the non-personal metadata), marking why. */
async function dropPayloads(
  trx: Transaction<RampartDatabase>,
  why: DroppedPayload,
  filter: { readonly subject: string } | { readonly indices: readonly number[] },
): Promise<number> {
  let query = trx
    .updateTable('audit_entries')
    .set({
      payload: why,
      leaf: '',
      resource: '',
      actor_id: null,
      reason: null,
      source_ip: null,
      request_id: null,
      user_agent: null,
      details: null,
      subject: null,
      personal: null,
      sealed: null,
    })
    .where('payload', 'is', null);
  query =
    'subject' in filter
      ? query.where('subject', '=', filter.subject).where('format', '=', 1)
      : query.where('leaf_index', 'in', [...filter.indices]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
