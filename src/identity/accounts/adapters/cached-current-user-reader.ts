/**
 * {@link CurrentUserReader} with the caller's record kept per instance (issue 20 item 2), so
 * `GET /api/v1/me` and the reads of the caller's own row cost no database round trip when nothing
 * changed (docs/decisions/032-lean-request-path.md). What keeps it true:
 * - a change to a user — made through `/api/v1/me…` by the user or `/api/v1/users/:id…` by an
 *   admin — drops the record on the instance that made it before the change is answered
 *   ({@link CachedCurrentUserReader.forget}), and is published on the revocation bus as a `user`
 *   event, which drops it on every other instance within the bus's bound (one second);
 * - an `authz` event (an org's memberships or roles changed) or a resync drops every record: the
 *   event names the org, not its members;
 * - no record is served older than {@link CALLER_MAX_AGE_MS}, whatever path changed the row (a
 *   directory sync, a restore, a message the bus lost): the bound the bus promises holds even
 *   for a change nobody published;
 * - a read that started before a drop does not put its older answer back (a generation per user).
 * Bounded: at most {@link CALLER_CACHE_SIZE} records; the oldest goes first.
 */
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationListener } from '../../../kernel/ports/revocation-bus.js';
import type { CallerRecord, CurrentUserReader } from '../ports/current-user-reader.js';

/** The longest a record is served from memory. */
export const CALLER_MAX_AGE_MS = 1000;
/** Records kept per instance at most. */
export const CALLER_CACHE_SIZE = 10_000;

interface Cached {
  readonly record: CallerRecord;
  readonly at: number;
}

export class CachedCurrentUserReader implements CurrentUserReader {
  readonly #inner: CurrentUserReader;
  readonly #clock: Clock;
  readonly #records = new Map<string, Cached>();
  /** Bumped on every drop: a read that began under an older value does not store its answer. */
  #generation = 0;

  constructor(inner: CurrentUserReader, clock: Clock) {
    this.#inner = inner;
    this.#clock = clock;
  }

  async read(userId: string): Promise<CallerRecord | undefined> {
    const now = this.#clock.now();
    const cached = this.#records.get(userId);
    if (cached !== undefined && now - cached.at < CALLER_MAX_AGE_MS) return cached.record;
    const generation = this.#generation;
    const record = await this.#inner.read(userId);
    // Only what can be served again: an absent or disabled account is refused from the store each time.
    if (record !== undefined && record.user.status === 'active' && generation === this.#generation) this.#keep(userId, { record, at: now });
    return record;
  }

  /** Drops what this instance holds of `userId`. */
  forget(userId: string): void {
    this.#generation += 1;
    this.#records.delete(userId);
  }

  /** Drops every record. */
  clear(): void {
    this.#generation += 1;
    this.#records.clear();
  }

  /** The revocation-bus listener: `user` drops that user, `authz` and a resync drop everyone. */
  listener(): RevocationListener {
    return {
      onRevoked: (event) => {
        if (event.kind === 'user') this.forget(event.id);
        else if (event.kind === 'authz') this.clear();
      },
      onResync: () => this.clear(),
    };
  }

  #keep(userId: string, cached: Cached): void {
    this.#records.delete(userId);
    if (this.#records.size >= CALLER_CACHE_SIZE) {
      const oldest = this.#records.keys().next();
      if (oldest.done !== true) this.#records.delete(oldest.value);
    }
    this.#records.set(userId, cached);
  }
}
