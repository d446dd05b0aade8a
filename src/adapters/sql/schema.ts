/**
 * The database schema as Kysely sees it. One schema for SQLite and PostgreSQL: timestamps are
 * integer milliseconds since the epoch (BIGINT on PostgreSQL, read back as numbers), booleans are
 * integers, JSON is text. Each table is created by a migration in `migrations/`.
 */
import type { Kysely } from 'kysely';

export interface RampartMetaTable {
  key: string;
  value: string;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  fingerprint: string;
  /** `in_progress` or `completed`. */
  state: string;
  status: number | null;
  /** JSON object of the replayed headers. */
  headers: string | null;
  /** Base64 of the response body. */
  body: string | null;
  created_at: number;
  expires_at: number;
  locked_until: number;
}

export interface RampartDatabase {
  rampart_meta: RampartMetaTable;
  idempotency_keys: IdempotencyKeyTable;
}

export type RampartKysely = Kysely<RampartDatabase>;
