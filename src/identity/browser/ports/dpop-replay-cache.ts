/**
 * Remembers DPoP proof ids (`jti`, RFC 9449 §11.1) for as long as a proof could be accepted, so
 * each proof is used once. With Redis, shared by every instance; without it, this process only.
 */
export interface DpopReplayCache {
  /**
   * Records `key` until `expiresAt` (ms since the epoch). `true` when this call recorded it
   * (first use), `false` when it was already there (a replay). Atomic: of N concurrent claims of
   * one key, on any number of instances sharing the cache, exactly one gets `true`. A failure of
   * the backing store rejects (the caller fails closed).
   */
  claim(key: string, expiresAt: number, now: number): Promise<boolean>;
}
