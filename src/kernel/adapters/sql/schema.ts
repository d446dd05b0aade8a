/**
 * The database schema as Kysely sees it. One schema for SQLite and PostgreSQL: timestamps are
 * integer milliseconds since the epoch (BIGINT on PostgreSQL, read back as numbers), booleans are
 * integers, JSON is text. Each table is created by a migration in `src/migrations/`.
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

/**
 * Every table, as Kysely sees it. The kernel declares its own; each capability adds its tables
 * from its `adapters/*-tables.ts` by declaration merging (`declare module … { interface
 * RampartDatabase { … } }`), so this file names no capability.
 */
export interface RampartDatabase {
  rampart_meta: RampartMetaTable;
  idempotency_keys: IdempotencyKeyTable;
}

export type RampartKysely = Kysely<RampartDatabase>;
