/**
 * Offline verification of an audit export, for anyone holding the log's verifier key: every
 * checkpoint's signature (C2SP signed-note, Ed25519), every entry's leaf recomputed from its
 * fields (RFC 8785) and its leaf hash, the indices 0, 1, 2, … without gap or repeat, and the tree
 * rebuilt leaf by leaf (RFC 9162) against every checkpoint root — which is also the consistency of
 * successive checkpoints, as all of them must be heads of this one tree. It stops at the first
 * failure and names the first index it can prove bad: an entry that does not match its leaf, a
 * missing or repeated index, or — when the entries are self-consistent but a signed root differs
 * (a rewrite that recomputed the hashes) — the first index after the last checkpoint that held.
 * Entries whose payload was dropped (retention: `"payload": "expired"`; a pre-0011 entry of an
 * erased subject: `"erased"`) are checked from their stored leaf hash alone, and counted; the
 * disclosed personal fields of an entry (`"personal": {"salt", "values"}`) must be the ones its
 * leaf commits to; erased ones (`"personal": "[erased]"`) are counted.
 */
import { auditLeafHash } from '../crypto/audit-leaf.js';
import { disclosureMatches, ERASED, type PersonalRef } from '../crypto/audit-personal.js';
import { canonicalJson } from '../../kernel/crypto/canonical-json.js';
import { CompactRange, hashesEqual } from '../crypto/merkle.js';
import { openCheckpoint, type Checkpoint, type NoteVerifier } from '../crypto/signed-note.js';

export type ExportFailureCode =
  | 'checkpoint_invalid'
  | 'entry_malformed'
  | 'entry_missing'
  | 'entry_out_of_order'
  | 'leaf_mismatch'
  | 'leaf_hash_mismatch'
  | 'checkpoint_root_mismatch'
  | 'disclosure_mismatch';

export interface ExportFailure {
  readonly code: ExportFailureCode;
  readonly detail: string;
  /** The first index that fails; null when the failure is a checkpoint's signature. */
  readonly index: number | null;
  /** For a root mismatch: the last index of the range the failing checkpoint covers. */
  readonly rangeEnd?: number;
}

export interface ExportReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly checkpointsVerified: number;
  /**
   * How many of the entries the newest verified signed checkpoint covers (its tree size); the
   * rest are not covered yet (a checkpoint signs them within `RAMPART_AUDIT_CHECKPOINT_INTERVAL`).
   */
  readonly covered?: number;
  /** Entries past the newest verified checkpoint; null when not known (a live server's entries are not read). */
  readonly uncovered?: number | null;
  /** Entries whose payload retention dropped ("expired payload"): checked from their stored leaf hash. */
  readonly expiredPayloads?: number;
  /** Entries whose payload was dropped when their subject was erased (written before sealing existed). */
  readonly erasedPayloads?: number;
  /** Entries whose sealed personal fields are erased (their leaf still verifies; the values are gone). */
  readonly erasedPersonal?: number;
  readonly failure?: ExportFailure;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parsePersonal(value: unknown): PersonalRef | undefined {
  if (!isRecord(value) || !Array.isArray(value.fields) || typeof value.commitment !== 'string') return undefined;
  return { fields: value.fields.filter((f): f is string => typeof f === 'string'), commitment: value.commitment };
}

export class AuditExportVerifier {
  readonly #checkpoints: Checkpoint[] = [];
  readonly #range = CompactRange.empty();
  #next = 0;
  #lastVerified = 0;
  #verified = 0;
  #expired = 0;
  #erasedPayloads = 0;
  #erasedPersonal = 0;
  #failure: ExportFailure | undefined;

  /** Opens every signed checkpoint note (export's and saved ones) against the trusted verifier and origin. */
  constructor(notes: readonly string[], verifier: NoteVerifier, origin: string) {
    for (const note of notes) {
      const opened = openCheckpoint(note, [verifier], origin);
      if (!opened.ok) {
        this.#failure ??= { code: 'checkpoint_invalid', detail: `a checkpoint does not verify: ${opened.code}`, index: null };
        continue;
      }
      this.#checkpoints.push(opened.checkpoint);
    }
    this.#checkpoints.sort((a, b) => a.size - b.size);
    this.#checkRoots();
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  #fail(failure: ExportFailure): void {
    this.#failure ??= failure;
  }

  /** Checks every checkpoint of the current size against the rebuilt root. */
  #checkRoots(): void {
    while (this.#failure === undefined && this.#checkpoints[0] !== undefined && this.#checkpoints[0].size === this.#range.size) {
      const checkpoint = this.#checkpoints.shift() as Checkpoint;
      if (!hashesEqual(checkpoint.rootHash, this.#range.root())) {
        this.#fail({
          code: 'checkpoint_root_mismatch',
          detail: `the entries do not hash to the signed root of tree size ${checkpoint.size}`,
          index: this.#lastVerified,
          rangeEnd: checkpoint.size - 1,
        });
        return;
      }
      this.#lastVerified = checkpoint.size;
      this.#verified += 1;
    }
  }

  /** One entry line of the export: `{"entry": {…, "leaf_hash"}, "leaf": "…"}`. */
  entry(line: unknown): void {
    if (this.#failure !== undefined) return;
    const expected = this.#next;
    const entry = isRecord(line) && isRecord(line.entry) ? line.entry : undefined;
    const index = entry?.index;
    if (entry === undefined || typeof line !== 'object' || typeof index !== 'number' || !Number.isSafeInteger(index)) {
      return this.#fail({ code: 'entry_malformed', detail: 'a line is not an entry with an index', index: expected });
    }
    if (index > expected) return this.#fail({ code: 'entry_missing', detail: `index ${expected} is missing`, index: expected });
    if (index < expected)
      return this.#fail({ code: 'entry_out_of_order', detail: `index ${index} comes again after ${expected - 1}`, index });
    const { leaf_hash: stored, ...fields } = entry;
    const payload = (line as { payload?: unknown }).payload;
    if (payload === 'expired' || payload === 'erased') {
      // The payload is gone; the leaf hash as stored is what the tree and the checkpoints check.
      const dropped = typeof stored === 'string' ? new Uint8Array(Buffer.from(stored, 'base64')) : new Uint8Array(0);
      if (dropped.length !== 32) {
        return this.#fail({ code: 'leaf_hash_mismatch', detail: `entry ${index}'s stored leaf_hash is not a SHA-256 hash`, index });
      }
      if (payload === 'expired') this.#expired += 1;
      else this.#erasedPayloads += 1;
      this.#range.append(dropped);
      this.#next += 1;
      this.#checkRoots();
      return;
    }
    let leaf: string;
    try {
      leaf = canonicalJson(fields);
    } catch {
      return this.#fail({ code: 'entry_malformed', detail: `entry ${index} is not canonicalisable JSON`, index });
    }
    if (leaf !== (line as { leaf?: unknown }).leaf) {
      return this.#fail({ code: 'leaf_mismatch', detail: `entry ${index}'s fields do not give its leaf`, index });
    }
    const hash = auditLeafHash(leaf);
    const storedHash = typeof stored === 'string' ? new Uint8Array(Buffer.from(stored, 'base64')) : new Uint8Array(0);
    if (!hashesEqual(hash, storedHash)) {
      return this.#fail({ code: 'leaf_hash_mismatch', detail: `entry ${index}'s leaf_hash is not SHA-256(0x00 ‖ leaf)`, index });
    }
    const personal = parsePersonal(fields.personal);
    const disclosure = (line as { personal?: unknown }).personal;
    if (personal !== undefined && disclosure === ERASED) this.#erasedPersonal += 1;
    else if (personal !== undefined && isRecord(disclosure)) {
      const salt = disclosure.salt;
      const values = disclosure.values;
      if (typeof salt !== 'string' || !isRecord(values) || !disclosureMatches(personal, { salt, values })) {
        return this.#fail({
          code: 'disclosure_mismatch',
          detail: `entry ${index}'s disclosed personal fields are not the ones its leaf commits to`,
          index,
        });
      }
    }
    this.#range.append(hash);
    this.#next += 1;
    this.#checkRoots();
  }

  /** The verdict, after the last entry. */
  finish(): ExportReport {
    const beyond = this.#checkpoints.find((c) => c.size > this.#range.size);
    if (beyond !== undefined) {
      this.#fail({
        code: 'entry_missing',
        detail: `a checkpoint covers ${beyond.size} entries; the export ends at ${this.#range.size}`,
        index: this.#range.size,
      });
    }
    const report = {
      entries: this.#range.size,
      checkpointsVerified: this.#verified,
      covered: this.#lastVerified,
      uncovered: this.#range.size - this.#lastVerified,
      expiredPayloads: this.#expired,
      erasedPayloads: this.#erasedPayloads,
      erasedPersonal: this.#erasedPersonal,
    };
    return this.#failure === undefined ? { ok: true, ...report } : { ok: false, ...report, failure: this.#failure };
  }
}
