/**
 * The listener registry every revocation bus adapter keeps: one entry per subscription (even for
 * the same listener object subscribed twice), and delivery to a snapshot, so a listener that
 * subscribes or unsubscribes during delivery does not change who receives the event.
 */
import type { RevocationListener, RevocationSubscription } from '../../ports/revocation-bus.js';

export class RevocationListeners {
  readonly #entries = new Set<RevocationListener>();

  add(listener: RevocationListener): RevocationSubscription {
    const entry: RevocationListener = { onRevoked: (e) => listener.onRevoked(e), onResync: () => listener.onResync() };
    this.#entries.add(entry);
    return {
      unsubscribe: () => {
        this.#entries.delete(entry);
        return Promise.resolve();
      },
    };
  }

  /** Calls every listener; a throwing one does not stop the others. Returns what they threw. */
  deliver(call: (listener: RevocationListener) => void): unknown[] {
    const failures: unknown[] = [];
    for (const listener of [...this.#entries]) {
      try {
        call(listener);
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }

  clear(): void {
    this.#entries.clear();
  }
}
