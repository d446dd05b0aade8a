/**
 * Per-endpoint limits of one instance's workers (issue 15, item 3): at most `concurrency`
 * deliveries in flight to one endpoint, and at most `rate` started per second (a token bucket
 * holding one second's worth). A slow or failing receiver therefore holds at most `concurrency`
 * of the workers; the others keep serving the other endpoints.
 */
import type { Clock } from '../../kernel/ports/clock.js';

interface EndpointState {
  inFlight: number;
  tokens: number;
  refilledAt: number;
}

/** Endpoints tracked at most; idle ones are dropped first. */
const MAX_TRACKED = 50_000;

export class EndpointLimits {
  readonly #concurrency: number;
  readonly #rate: number;
  readonly #clock: Clock;
  readonly #state = new Map<string, EndpointState>();

  constructor(options: { readonly concurrency: number; readonly rate: number; readonly clock: Clock }) {
    this.#concurrency = options.concurrency;
    this.#rate = options.rate;
    this.#clock = options.clock;
  }

  /** Takes a slot and a token for `endpointId` if both are free; false leaves everything as it was. */
  tryTake(endpointId: string): boolean {
    const now = this.#clock.now();
    const state = this.#state.get(endpointId) ?? this.#fresh(endpointId, now);
    state.tokens = Math.min(this.#rate, state.tokens + ((now - state.refilledAt) / 1000) * this.#rate);
    state.refilledAt = now;
    if (state.inFlight >= this.#concurrency || state.tokens < 1) return false;
    state.inFlight += 1;
    state.tokens -= 1;
    return true;
  }

  /** Gives back the slot of a finished delivery. */
  release(endpointId: string): void {
    const state = this.#state.get(endpointId);
    if (state !== undefined && state.inFlight > 0) state.inFlight -= 1;
  }

  #fresh(endpointId: string, now: number): EndpointState {
    if (this.#state.size >= MAX_TRACKED) {
      for (const [id, state] of this.#state) if (state.inFlight === 0) this.#state.delete(id);
    }
    const state = { inFlight: 0, tokens: this.#rate, refilledAt: now };
    this.#state.set(endpointId, state);
    return state;
  }
}
