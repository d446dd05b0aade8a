/**
 * The revoked sessions this instance knows of, checked on every request without a database read.
 * A revoked session's access tokens can live at most {@link MAX_ACCESS_TOKEN_TTL_SECONDS} after it
 * was revoked, so its id is kept that long (plus clock slack) and then forgotten: the set stays as
 * small as the number of sessions revoked in the last quarter of an hour.
 *
 * Pure: time is passed in. The store seeds it at start, the `RevocationBus` keeps it current.
 */
import { ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../tokens/domain/access-token.js';

/** A revoked session and when it was revoked (ms since the epoch). */
export interface RevokedSession {
  readonly sessionId: string;
  readonly revokedAt: number;
}

export interface RevocationSetOptions {
  /**
   * How long a revoked id is kept, in ms. At least the longest access-token lifetime plus clock
   * tolerance; by default that plus one minute for instances whose clocks disagree.
   */
  readonly retainMs?: number;
}

/** The shortest retention that is still safe: a token issued just before revocation has expired. */
export const MIN_REVOCATION_RETAIN_MS = (MAX_ACCESS_TOKEN_TTL_SECONDS + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000;
const DEFAULT_RETAIN_MS = MIN_REVOCATION_RETAIN_MS + 60_000;

/** A set of revoked session ids; `isRevoked` is one hash lookup. */
export class RevocationSet {
  readonly #retainMs: number;
  /** session id → revokedAt. */
  readonly #revoked = new Map<string, number>();

  constructor(seed: Iterable<RevokedSession> = [], options: RevocationSetOptions = {}) {
    const retainMs = options.retainMs ?? DEFAULT_RETAIN_MS;
    if (!Number.isFinite(retainMs) || retainMs < MIN_REVOCATION_RETAIN_MS) {
      throw new RangeError(`retainMs must be a finite number ≥ ${MIN_REVOCATION_RETAIN_MS} (the longest access-token life)`);
    }
    this.#retainMs = retainMs;
    for (const entry of seed) this.revoke(entry.sessionId, entry.revokedAt);
  }

  /**
   * Records a revocation. Idempotent (the bus delivers at least once, in any order): a second
   * revocation of the same id keeps the later time, so the id is never forgotten too early.
   */
  revoke(sessionId: string, revokedAt: number): void {
    if (typeof sessionId !== 'string' || sessionId.length === 0) throw new TypeError('sessionId must be a non-empty string');
    if (!Number.isFinite(revokedAt)) throw new TypeError('revokedAt must be a finite number of ms');
    const known = this.#revoked.get(sessionId);
    if (known === undefined || revokedAt > known) this.#revoked.set(sessionId, revokedAt);
  }

  /** Whether tokens of this session must be refused. An id not yet purged stays revoked. */
  isRevoked(sessionId: string): boolean {
    return this.#revoked.has(sessionId);
  }

  /** Forgets ids revoked long enough ago that every token of theirs has expired; returns how many. */
  purgeExpired(now: number): number {
    let purged = 0;
    for (const [sessionId, revokedAt] of this.#revoked) {
      if (revokedAt + this.#retainMs <= now) {
        this.#revoked.delete(sessionId);
        purged++;
      }
    }
    return purged;
  }

  get size(): number {
    return this.#revoked.size;
  }
}
