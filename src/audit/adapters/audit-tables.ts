/**
 * The audit log's tables as Kysely sees them (created by migration `0004-audit`), kept apart from
 * `schema.ts` so that the log's storage reads in one place. Hashes are standard base64 text, on
 * both dialects alike; times are epoch milliseconds.
 */
import type { Generated } from 'kysely';

/** The entry fields (test/fixtures/spec-api-v1.md, "Audit"); `details` is JSON text. */
export interface AuditEntryColumns {
  timestamp: number;
  org: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource: string;
  result: string;
  reason: string | null;
  source_ip: string | null;
  request_id: string | null;
  user_agent: string | null;
  details: string | null;
  subject: string | null;
  /** 1: written before migration 0011 (every field in the leaf); 2: since (`personal` sealed, no `subject` in the leaf). */
  format: number;
  /** Canonical JSON of the leaf's `{"commitment", "fields"}` of the sealed personal fields. */
  personal: string | null;
  /** The personal fields sealed under the subject's key (`audit/crypto/audit-personal.ts`); null once erased. */
  sealed: string | null;
}

/** Entries queued by PostgreSQL instances of earlier versions, in `seq` order; integrated by `pg-audit-tree-lock.ts`. */
export interface AuditPendingTable extends AuditEntryColumns {
  seq: Generated<number>;
}

/** The log: leaf `leaf_index` of the one tree, its RFC 8785 leaf text and `SHA-256(0x00 ‖ leaf)`. */
export interface AuditEntryTable extends AuditEntryColumns {
  leaf_index: number;
  leaf: string;
  leaf_hash: string;
  /** `expired` (retention) or `erased` (a format-1 entry of an erased subject): payload dropped, leaf hash kept. */
  payload: string | null;
}

/**
 * Every complete aligned subtree and its hash (level 0: the leaf hash), keyed by `(level, idx)`:
 * the subtree of `2^level` leaves starting at leaf `idx · 2^level` (migration 0030).
 */
export interface AuditSubtreeTable {
  level: number;
  idx: number;
  hash: string;
}

/** Signed checkpoints (C2SP tlog-checkpoint in a signed note), one per tree size. */
export interface AuditCheckpointTable {
  size: number;
  root: string;
  note: string;
  created_at: number;
}

/** The checkpoint-signing key: Ed25519, its private half sealed with AES-256-GCM under the master key. */
export interface AuditKeyTable {
  id: string;
  /** The note key name, which is also the log's origin. */
  name: string;
  /** Base64 of the raw 32-byte public key. */
  public_key: string;
  sealed_private_key: string;
  created_at: number;
}

/** Per-subject keys that seal personal fields, wrapped under a master-key-derived key (migration 0011). */
export interface AuditSubjectKeyTable {
  subject: string;
  sealed_key: string;
  created_at: number;
}

/** SHA-256 fingerprints of the user agents each user signed in with (the new-device alert). */
export interface AuditKnownDeviceTable {
  subject: string;
  fingerprint: string;
  first_seen: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  /** The audit log's tables (migrations 0004, 0011, 0030). */
  interface RampartDatabase {
    audit_subject_keys: AuditSubjectKeyTable;
    audit_known_devices: AuditKnownDeviceTable;
    audit_pending: AuditPendingTable;
    audit_entries: AuditEntryTable;
    audit_subtrees: AuditSubtreeTable;
    audit_checkpoints: AuditCheckpointTable;
    audit_keys: AuditKeyTable;
  }
}
