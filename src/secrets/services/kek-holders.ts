/**
 * The in-memory {@link KekHolders} registry of one composed secrets capability: later capabilities
 * register the wrapped material they keep under the KEK, and KEK rotation reads the list.
 */
import type { KekHolder, KekHolders } from '../ports/kek-holder.js';

export class KekHolderRegistry implements KekHolders {
  readonly #holders = new Map<string, KekHolder>();

  register(holder: KekHolder): void {
    if (this.#holders.has(holder.name)) throw new Error(`a KEK holder named ${holder.name} is registered already`);
    this.#holders.set(holder.name, holder);
  }

  list(): readonly KekHolder[] {
    return [...this.#holders.values()];
  }
}
