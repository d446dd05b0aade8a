/**
 * Whether a subscription is known to deliver: it is subscribed, and this instance heard its own
 * heartbeat within `staleAfterMs`. A subscriber whose connection stays open but delivers nothing
 * (a dropped firewall entry, a half-open TCP connection) looks subscribed to its client library;
 * only the missing heartbeat reveals it. Pure: time is passed in (monotonic ms), so the bound is
 * tested without sleeping.
 */

/** A change of state, reported once each way. */
export interface LivenessChange {
  readonly live: boolean;
  /** Going stale: why. */
  readonly reason?: 'heartbeat_missed' | 'disconnected';
  /** Coming back: how long the subscription was not live (ms). */
  readonly downForMs?: number;
}

export class BusLiveness {
  readonly #staleAfterMs: number;
  #subscribed = false;
  #lastHeard = 0;
  #live = false;
  /** When the subscription last stopped being live (monotonic ms), or when it was created. */
  #downSince: number;
  /** Set once the subscription has been live at least once. */
  #everLive = false;

  constructor(staleAfterMs: number, now: number) {
    if (!Number.isSafeInteger(staleAfterMs) || staleAfterMs < 1) throw new RangeError('staleAfterMs must be a positive integer');
    this.#staleAfterMs = staleAfterMs;
    this.#downSince = now;
  }

  get live(): boolean {
    return this.#live;
  }

  /** The subscription is (again) in place: it has `staleAfterMs` to prove itself with a heartbeat. */
  subscribed(now: number): void {
    this.#subscribed = true;
    this.#lastHeard = now;
  }

  /** The connection dropped visibly: not live from now on, without waiting for the bound. */
  disconnected(): void {
    this.#subscribed = false;
  }

  /** This instance's own heartbeat came back through the subscription. */
  heard(now: number): void {
    if (this.#subscribed) this.#lastHeard = Math.max(this.#lastHeard, now);
  }

  /** Re-evaluates at `now`; returns the change, if the state changed. */
  evaluate(now: number): LivenessChange | undefined {
    const live = this.#subscribed && now - this.#lastHeard <= this.#staleAfterMs;
    if (live === this.#live) return undefined;
    this.#live = live;
    if (live) {
      const downForMs = now - this.#downSince;
      const first = !this.#everLive;
      this.#everLive = true;
      return first ? { live } : { live, downForMs };
    }
    this.#downSince = now;
    return { live, reason: this.#subscribed ? 'heartbeat_missed' : 'disconnected' };
  }
}
