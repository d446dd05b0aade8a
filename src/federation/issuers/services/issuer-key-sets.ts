/**
 * Each trusted issuer's keys, fetched through the {@link JwksSource} and kept in memory. The rules:
 * 1. nothing is fetched for an issuer until one of its tokens arrives (a token of an issuer that is
 *    not configured never gets here, so it cannot cause a fetch);
 * 2. a token whose `kid` is not in the cached set refreshes the set, at most once per
 *    {@link MIN_REFRESH_INTERVAL_MS} per issuer, concurrent callers sharing the one fetch — an
 *    attacker minting random `kid`s cannot make Rampart hammer the issuer; past the refresh, a
 *    `kid` still unknown is refused;
 * 3. a set older than {@link MAX_KEY_SET_AGE_MS} is refreshed in the background on use, so keys the
 *    issuer withdrew stop verifying within that bound (and verified tokens of a withdrawn `kid` stop
 *    being served from the cache: {@link IssuerKeySets.stillServes});
 * 4. a failed refresh keeps the cached set (the issuer's outage is not ours); with nothing cached
 *    the token is refused (fail closed), and the next attempt waits for the same interval.
 */
import { errors, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../../kernel/ports/clock.js';
import { issuerKeySet, type IssuerKeySet } from '../crypto/issuer-key-set.js';
import { IssuerTokenRefusal } from '../domain/issuer-refusal.js';
import type { TrustedIssuer } from '../domain/trusted-issuer.js';
import { JwksUnavailableError, type JwksSource } from '../ports/jwks-source.js';

/** The least time between two fetches of one issuer's JWKS. */
export const MIN_REFRESH_INTERVAL_MS = 60_000;
/** A cached set older than this is refreshed in the background when next used. */
export const MAX_KEY_SET_AGE_MS = 10 * 60_000;

export interface IssuerKeySetsOptions {
  readonly source: JwksSource;
  readonly clock: Clock;
  /** Told of a fetch that failed (the issuer's name and a safe reason), for the log. */
  readonly onFetchFailed?: (issuer: string, reason: string) => void;
}

interface KeyState {
  set: IssuerKeySet | undefined;
  /** Bumped whenever the set changes: a cached token without `kid` is served only within one generation. */
  generation: number;
  fetchedAt: number;
  lastAttempt: number;
  inflight: Promise<boolean> | undefined;
  fetches: number;
}

export class IssuerKeySets {
  readonly #o: IssuerKeySetsOptions;
  readonly #states = new Map<string, KeyState>();

  constructor(options: IssuerKeySetsOptions) {
    this.#o = options;
  }

  /** The key function jose verifies one token of `issuer` with (rules 2–4). */
  keysFor(issuer: TrustedIssuer): JWTVerifyGetKey {
    return async (header, token) => {
      const state = this.#state(issuer.name);
      if (state.set === undefined) await this.#refresh(issuer, state);
      else if (this.#o.clock.now() - state.fetchedAt >= MAX_KEY_SET_AGE_MS) void this.#refresh(issuer, state);
      const cached = state.set;
      if (cached === undefined) throw new IssuerTokenRefusal('jwks_unavailable');
      try {
        return await cached.resolve(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      }
      // Rule 2: an unknown kid may be a key the issuer just added.
      const refreshed = await this.#refresh(issuer, state);
      if (!refreshed || state.set === undefined) throw new IssuerTokenRefusal('unknown_key');
      return state.set.resolve(header, token);
    };
  }

  /** The current generation of `issuer`'s set (0 before the first fetch). */
  generation(issuer: string): number {
    return this.#states.get(issuer)?.generation ?? 0;
  }

  /** Whether a token verified in `generation` with `kid` may still be served: its key is still published. */
  stillServes(issuer: string, kid: string | undefined, generation: number): boolean {
    const state = this.#states.get(issuer);
    if (state?.set === undefined) return false;
    if (state.generation === generation) return true;
    return kid !== undefined && state.set.kids.has(kid);
  }

  /** How many times `issuer`'s JWKS was fetched (successfully or not), for `rampart doctor` and tests. */
  fetchCount(issuer: string): number {
    return this.#states.get(issuer)?.fetches ?? 0;
  }

  /** Fetches `issuer`'s set now if the interval allows; resolves whether a new set was installed. */
  refresh(issuer: TrustedIssuer): Promise<boolean> {
    return this.#refresh(issuer, this.#state(issuer.name));
  }

  #state(name: string): KeyState {
    let state = this.#states.get(name);
    if (state === undefined) {
      state = { set: undefined, generation: 0, fetchedAt: 0, lastAttempt: Number.NEGATIVE_INFINITY, inflight: undefined, fetches: 0 };
      this.#states.set(name, state);
    }
    return state;
  }

  #refresh(issuer: TrustedIssuer, state: KeyState): Promise<boolean> {
    if (state.inflight !== undefined) return state.inflight;
    if (this.#o.clock.now() - state.lastAttempt < MIN_REFRESH_INTERVAL_MS) return Promise.resolve(false);
    state.lastAttempt = this.#o.clock.now();
    state.fetches += 1;
    const load = this.#load(issuer, state).finally(() => {
      state.inflight = undefined;
    });
    state.inflight = load;
    return load;
  }

  async #load(issuer: TrustedIssuer, state: KeyState): Promise<boolean> {
    try {
      const set = issuerKeySet(await this.#o.source.fetch(issuer));
      if (set === undefined) throw new JwksUnavailableError('the answer is not a JWK Set');
      state.set = set;
      state.generation += 1;
      state.fetchedAt = this.#o.clock.now();
      return true;
    } catch (error) {
      this.#o.onFetchFailed?.(issuer.name, error instanceof JwksUnavailableError ? error.reason : 'the fetch failed');
      return false;
    }
  }
}
