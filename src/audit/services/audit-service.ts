/**
 * The audit log's public face (test/fixtures/spec-api-v1.md, "Audit"): the verifier key, signed checkpoints
 * (issued on a schedule and on demand, each new one also pushed to the witness when there is
 * one), and RFC 9162 inclusion and consistency proofs built from the stored subtree hashes in
 * O(log n) reads — never from the whole log.
 */
import type { AuditCursors } from '../crypto/audit-cursor.js';
import { consistencyProof, hashesEqual, inclusionProof, rootFromSource } from '../crypto/merkle.js';
import { openCheckpoint, parseVkey } from '../crypto/signed-note.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import type { AuditLedger } from '../ports/audit-ledger.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { AuditForgetting, AuditListFilter, AuditListPage, AuditReader } from '../ports/audit-reader.js';
import type { CheckpointWitness } from '../ports/checkpoint-witness.js';
import type { Clock } from '../../kernel/ports/clock.js';

/** A tree head and the proof that ties something to it. Hashes are 32 bytes. */
export interface AuditProof {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

export interface InclusionProof extends AuditProof {
  readonly index: number;
  readonly leafHash: Uint8Array;
}

export interface ConsistencyProof extends AuditProof {
  readonly first: number;
  readonly second: number;
}

export interface AuditServiceParts {
  /** Where new checkpoints are pushed (a file, a witness URL). */
  readonly witnesses?: readonly CheckpointWitness[];
  readonly reader?: AuditReader;
  readonly forgetting?: AuditForgetting;
  /** Seals and opens the listing's cursors (HMAC under a key of their own); without it, listing refuses cursors. */
  readonly cursors?: AuditCursors;
  /** The log, for erasure. */
  readonly log?: AuditLog;
  readonly clock?: Clock;
  /** Days after which payloads are dropped; undefined: kept forever. */
  readonly retentionDays?: number;
  /** A witness that refused a checkpoint (the checkpoint stays in the database; the next one is pushed again). */
  readonly onWitnessError?: (error: unknown) => void;
}

/** One listing page's request: the filter without a position, the caller's cursor, and the org the listing is of. */
export interface AuditPageRequest extends Omit<AuditListFilter, 'before'> {
  /** The org the caller listed (its id): a cursor opens only in the listing it was handed out in. */
  readonly listedOrg: string;
  readonly cursor?: string;
}

/** One listing page, with the opaque cursor of the next one (null at the end). */
export interface AuditPage {
  readonly entries: AuditListPage['entries'];
  readonly nextCursor: string | null;
}

/** What the startup comparison with a witness found. */
export type WitnessCheck = { readonly ok: true; readonly witnessSize: number | null } | { readonly ok: false; readonly problem: string };

const DAY_MS = 86_400_000;

export class AuditService {
  readonly #ledger: AuditLedger;
  readonly #parts: AuditServiceParts;
  /** The largest checkpoint handed to the witnesses, the one waiting to be pushed, and the push running. */
  #witnessedSize = 0;
  #witnessNext: string | undefined;
  #pushing: Promise<void> | undefined;

  constructor(ledger: AuditLedger, parts: AuditServiceParts = {}) {
    this.#ledger = ledger;
    this.#parts = parts;
  }

  /** One org's entries, newest first (test/fixtures/spec-api-v1.md, "Audit"). */
  list(filter: AuditListFilter): Promise<AuditListPage> {
    if (this.#parts.reader === undefined) throw new DomainError('audit_unavailable', 'The audit log cannot be read here');
    return this.#parts.reader.list(filter);
  }

  /**
   * One page of an org's listing by opaque cursor (test/fixtures/spec-api-v1.md, "Added in v1.1"):
   * a cursor that this deployment did not hand out for this org's listing — edited, invented,
   * truncated, or another org's — is 400 `validation_failed`, before anything is read.
   */
  async page(request: AuditPageRequest): Promise<AuditPage> {
    const { listedOrg, cursor, ...filter } = request;
    const cursors = this.#parts.cursors;
    let before: number | undefined;
    if (cursor !== undefined) {
      before = cursors?.open(listedOrg, cursor);
      if (before === undefined) throw validationFailed([{ field: 'cursor', reason: 'is not a cursor this API returned' }]);
    }
    const page = await this.list({ ...filter, ...(before === undefined ? {} : { before }) });
    return {
      entries: page.entries,
      nextCursor: page.next === null || cursors === undefined ? null : cursors.seal(listedOrg, page.next),
    };
  }

  /** GDPR Art. 17: erases `userId`'s personal fields from the log; the tree, proofs and checkpoints stay valid. */
  async eraseSubject(userId: string): Promise<void> {
    await this.#parts.log?.eraseSubject?.(userId);
  }

  /**
   * Retention: drops the payloads of entries older than `days` (default: the configured
   * retention; nothing when there is none), keeping their leaf hashes. Returns how many, and the cut-off.
   */
  async prune(days = this.#parts.retentionDays): Promise<{ readonly expired: number; readonly before: number | null }> {
    if (days === undefined || this.#parts.forgetting === undefined || this.#parts.clock === undefined) return { expired: 0, before: null };
    const before = this.#parts.clock.now() - days * DAY_MS;
    return { expired: await this.#parts.forgetting.expire(before), before };
  }

  /**
   * Compares the database's log with a witness's latest checkpoint: the witness's must verify
   * with this log's key, and the database's tree must extend it — not be shorter (a database
   * rolled back to before the witness saw it), nor hash to another root at that size (a fork).
   */
  async checkWitness(latestNote: string | undefined): Promise<WitnessCheck> {
    if (latestNote === undefined) return { ok: true, witnessSize: null };
    const parsed = parseVkey(this.verifierKey());
    if (!parsed.ok) return { ok: false, problem: 'the log verifier key does not parse' };
    const opened = openCheckpoint(latestNote, [parsed.verifier], this.origin);
    if (!opened.ok) return { ok: false, problem: `the witness's checkpoint does not verify with this log's key (${opened.code})` };
    const witnessed = opened.checkpoint;
    const size = await this.#ledger.treeSize();
    if (witnessed.size > size) {
      return { ok: false, problem: `the log has ${size} entries but the witness saw ${witnessed.size}: the database was rolled back` };
    }
    if (witnessed.size > 0 && !hashesEqual(await rootFromSource(witnessed.size, this.#ledger), witnessed.rootHash)) {
      return { ok: false, problem: `the log's tree of size ${witnessed.size} is not the one the witness saw: the log was rewritten` };
    }
    return { ok: true, witnessSize: witnessed.size };
  }

  /** The checkpoint verifier key, C2SP vkey form. */
  verifierKey(): string {
    return this.#ledger.verifierKey();
  }

  /** The log's origin: the first line of its checkpoints. */
  get origin(): string {
    return this.#ledger.origin;
  }

  /** The latest signed checkpoint; the first one is issued on demand. */
  async latestCheckpoint(): Promise<string> {
    return (await this.#ledger.latestCheckpoint())?.note ?? (await this.issueCheckpoint());
  }

  /**
   * Signs a checkpoint of the current tree (unless the latest covers it), witnesses a new one, and
   * returns the latest. Resolves once the witnesses have it (or a later one).
   */
  async issueCheckpoint(): Promise<string> {
    const { checkpoint, issued } = await this.#ledger.issueCheckpoint();
    // Not issued here: another call (the scheduler) may be pushing it right now; wait for that push.
    await (issued ? this.#witness(checkpoint.size, checkpoint.note) : this.#pushing);
    return checkpoint.note;
  }

  /**
   * Pushes `note` to the witnesses, one push at a time and newest first: while a push runs, the
   * checkpoints issued meanwhile collapse into the newest, pushed next (a witness needs only the
   * latest; a slow one never holds back signing). Sizes only grow: an older note is never pushed
   * after a newer one.
   */
  #witness(size: number, note: string): Promise<void> {
    const witnesses = this.#parts.witnesses ?? [];
    if (witnesses.length === 0) return Promise.resolve();
    if (size > this.#witnessedSize) {
      this.#witnessedSize = size;
      this.#witnessNext = note;
      this.#pushing ??= this.#pushNewest(witnesses);
    }
    return this.#pushing ?? Promise.resolve();
  }

  async #pushNewest(witnesses: readonly CheckpointWitness[]): Promise<void> {
    try {
      while (this.#witnessNext !== undefined) {
        const note = this.#witnessNext;
        this.#witnessNext = undefined;
        for (const witness of witnesses) {
          try {
            await witness.push(note);
          } catch (error) {
            this.#parts.onWitnessError?.(error);
          }
        }
      }
    } finally {
      this.#pushing = undefined;
    }
  }

  async #checkSize(field: string, size: number): Promise<void> {
    const current = await this.#ledger.treeSize();
    if (size > current) throw validationFailed([{ field, reason: `is beyond the tree size ${current}` }]);
  }

  /** RFC 9162 §2.1.3.1: the proof that leaf `index` is in the tree of `treeSize` leaves. */
  async inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    if (index >= treeSize) throw validationFailed([{ field: 'index', reason: 'must be below tree_size' }]);
    await this.#checkSize('tree_size', treeSize);
    const [proof, rootHash, leafHash] = await Promise.all([
      inclusionProof(index, treeSize, this.#ledger),
      rootFromSource(treeSize, this.#ledger),
      this.#ledger.subtree(index, 1),
    ]);
    return { index, treeSize, rootHash, leafHash, proof };
  }

  /** RFC 9162 §2.1.4.1: the proof that the tree of `first` leaves is a prefix of the tree of `second`. */
  async consistencyProof(first: number, second: number): Promise<ConsistencyProof> {
    // RFC 9162 §2.1.4.1: defined for 0 < first ≤ second.
    if (first === 0) throw validationFailed([{ field: 'first', reason: 'must be at least 1' }]);
    if (first > second) throw validationFailed([{ field: 'first', reason: 'must not exceed second' }]);
    await this.#checkSize('second', second);
    const [proof, rootHash] = await Promise.all([consistencyProof(first, second, this.#ledger), rootFromSource(second, this.#ledger)]);
    return { first, second, treeSize: second, rootHash, proof };
  }
}
