/** The answer remembered for an idempotency key. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The response body, base64 of its bytes. */
  readonly body: string;
}

/** What `begin` found for a (scope, key) pair. */
export type IdempotencyBegin =
  | { readonly state: 'claimed' }
  | { readonly state: 'in_progress'; readonly fingerprint: string }
  | { readonly state: 'completed'; readonly fingerprint: string; readonly response: StoredResponse };

export interface IdempotencyClaim {
  /** The caller the key belongs to: keys of different callers never meet. */
  readonly scope: string;
  /** The client's `Idempotency-Key`. */
  readonly key: string;
  /** SHA-256 of the request (method, route, query, body): a reuse with another request is refused. */
  readonly fingerprint: string;
  /** When the claim is made: with (scope, key), it names this claim in `complete` and `release`. */
  readonly now: number;
  /** When the record may be forgotten (now + 24 h). */
  readonly expiresAt: number;
  /**
   * Until when the claim holds while in progress (after `now`); a claim left by a crashed
   * instance lapses then.
   */
  readonly lockedUntil: number;
}

/**
 * Remembers requests made with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header),
 * shared by every instance.
 *
 * Guarantees (test/contract/idempotency-store.contract.ts checks each, on every adapter):
 * - `begin` is atomic: of N concurrent callers with the same (scope, key), on any number of
 *   instances, exactly one gets `claimed`; the others see the claim's fingerprint;
 * - a record expired at `now` (`expiresAt <= now`), or an in-progress claim whose lock has lapsed
 *   (`lockedUntil <= now`), counts as absent: the next `begin` claims it;
 * - `complete` and `release` act only on the in-progress claim the given claim made (same scope,
 *   key and `now`): a completed record is never changed, and a holder whose lock lapsed cannot
 *   overwrite or release the claim of the caller that took the key over;
 * - the stored response comes back exactly (status, headers, the body's bytes).
 */
export interface IdempotencyStore {
  begin(claim: IdempotencyClaim): Promise<IdempotencyBegin>;
  /** Stores the answer of the claim `claim` made, if that claim is still the one in progress. */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  /** Forgets the claim `claim` made, if it is still in progress (the handler failed): a retry may run. */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Deletes records expired at `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
