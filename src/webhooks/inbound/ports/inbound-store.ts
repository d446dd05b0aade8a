/**
 * Where org hook sources and the inbox live. Guarantees the services rely on:
 * - `accept` is one INSERT: of two requests with one source key and event id, exactly one gets
 *   `accepted`, the other `duplicate` — by the unique constraint, never a read before the write;
 * - `claim` hands a due row to one caller at a time (a conditional UPDATE on the lease), so several
 *   instances share the inbox; a lease that runs out makes the row due again (at least once).
 */
import type { TenantScope } from '../../../kernel/domain/tenant-scope.js';
import type { HookScheme, OrgHookSource } from '../domain/hook-source.js';

/** What a source is written with; the secret's version is the one just stored. */
export interface SourceWrite {
  readonly name: string;
  readonly scheme: HookScheme;
  readonly toleranceSeconds: number;
}

/** One inbox row to store. */
export interface InboxEntry {
  readonly id: string;
  readonly orgId: string | null;
  readonly sourceKey: string;
  readonly sourceName: string;
  readonly eventId: string;
  readonly eventType: string | undefined;
  readonly body: Buffer;
  readonly receivedAt: number;
}

/** A row claimed for hand-over. */
export interface ClaimedInbox extends InboxEntry {
  /** The attempt this claim is (1 for the first). */
  readonly attempt: number;
}

export interface InboundStore {
  /** The org's source by id or name, in the request's tenant scope. */
  find(scope: TenantScope, idOrName: string): Promise<OrgHookSource | undefined>;
  list(scope: TenantScope): Promise<readonly OrgHookSource[]>;
  /** Inserts a new source (`conflict` on a taken name). */
  insert(scope: TenantScope, source: OrgHookSource): Promise<void>;
  /** Replaces the source's fields; false when it is gone. */
  update(scope: TenantScope, source: OrgHookSource): Promise<boolean>;
  /** False when there was none. */
  delete(scope: TenantScope, id: string): Promise<boolean>;
  /** The source with this id, of any org: the public inbound route's lookup (no scope exists yet). */
  findById(id: string): Promise<OrgHookSource | undefined>;
  /** Stores a verified event once; `duplicate` when its source already has this event id. */
  accept(entry: InboxEntry): Promise<'accepted' | 'duplicate'>;
  /** Up to `limit` due rows of `sourceKeys`/`sourceNames` (`'*'`: any), each leased until `now + leaseMs`. */
  claim(
    filter: { readonly keys: readonly string[]; readonly names: readonly string[] } | '*',
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<readonly ClaimedInbox[]>;
  /** The hand-over succeeded. */
  markProcessed(id: string, now: number): Promise<void>;
  /** The hand-over failed: due again at `nextAttemptAt`. */
  retryLater(id: string, nextAttemptAt: number, error: string): Promise<void>;
  /** The inbox row, of any org (tests, the CLI). */
  inboxRow(id: string): Promise<{ readonly processedAt: number | null; readonly attempts: number } | undefined>;
}
