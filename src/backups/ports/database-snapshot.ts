/**
 * The database's side of a backup: a consistent snapshot taken while servers write, and its
 * restore into an empty database. Guarantees of every adapter:
 * - `snapshot` hands over one dump and the facts about it (rows per table, schema version, the
 *   audit log's latest checkpoint) read from the SAME snapshot: a state that existed, never torn
 *   between tables, whatever commits meanwhile;
 * - `restore` loads a dump into the configured database only when it is empty (or `replace` is
 *   set), and either loads all of it or leaves the database as it found it.
 */
import type { Readable } from 'node:stream';

/** What a snapshot holds, read from the snapshot itself. */
export interface SnapshotFacts {
  /** Rows per table. */
  readonly tables: Readonly<Record<string, number>>;
  /** The latest migration applied. */
  readonly schemaVersion: string;
  /** The audit log's latest signed checkpoint (C2SP note) and its tree size, if one was signed. */
  readonly checkpoint: { readonly note: string; readonly size: number } | null;
  /** The drill canary's user id, if the deployment has one. */
  readonly canaryUserId: string | null;
}

export interface DatabaseSnapshot {
  readonly dialect: 'sqlite' | 'postgres';
  /** Takes the snapshot and hands its dump and facts to `consume`; cleans up after it, whatever happens. */
  snapshot<T>(consume: (dump: Readable, facts: SnapshotFacts) => Promise<T>): Promise<T>;
  /** The facts of the database as it is now (a restore drill compares them with the manifest's). */
  facts(): Promise<SnapshotFacts>;
  /** Whether the target database holds no Rampart data (no table, or no migration applied). */
  isEmpty(): Promise<boolean>;
  /** Loads `dump` into the target database; with `replace`, over what is there. */
  restore(dump: Readable, options: { readonly replace: boolean }): Promise<void>;
}
