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
  /** SHA-256 of the request (method, route, body): a reuse with another request is refused. */
  readonly fingerprint: string;
  readonly now: number;
  /** When the record may be forgotten (now + 24 h). */
  readonly expiresAt: number;
  /** Until when the claim holds while in progress; a claim left by a crashed instance lapses then. */
  readonly lockedUntil: number;
}

/**
 * Remembers requests made with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header),
 * shared by every instance.
 *
 * Guarantees: `begin` is atomic — of N concurrent callers with the same (scope, key), exactly one
 * gets `claimed`. An expired record, or an in-progress claim whose lock has lapsed, counts as
 * absent. `complete` and `release` only touch a claim that is in progress.
 */
export interface IdempotencyStore {
  begin(claim: IdempotencyClaim): Promise<IdempotencyBegin>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets an in-progress claim (the handler failed with a server error): a retry may run. */
  release(scope: string, key: string): Promise<void>;
  /** Deletes records expired at `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
