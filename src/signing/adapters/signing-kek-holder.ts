/**
 * The signing keyring as a holder of KEK-wrapped material (secrets' `KekHolder`): KEK rotation
 * (`rampart keys rotate-kek`) rewraps every Ed25519 seed under the new KEK, keeping the AAD the
 * keyring seals with (key id and purpose), and keeps the old KEK while a seed still needs it. Each
 * seed moves with the store's compare-and-set `rewrap`, so a crash leaves it under one KEK or the
 * other. The key ids, public keys and seeds do not change: signatures go on with the same `kid`.
 */
import type { KekHolder, KekHolderRewrap, RewrapOne } from '../../secrets/index.js';
import { signingKeyAad } from '../domain/signing-key.js';
import type { SigningKeyStore } from '../ports/signing-key-store.js';

export class SigningKekHolder implements KekHolder {
  readonly name = 'signing';
  readonly #store: SigningKeyStore;

  constructor(store: SigningKeyStore) {
    this.#store = store;
  }

  async referencesTo(kekId: string): Promise<number> {
    return (await this.#store.list()).filter((key) => key.kekId === kekId).length;
  }

  async rewrap(toKekId: string, rewrapOne: RewrapOne): Promise<KekHolderRewrap> {
    let rewrapped = 0;
    let failed = 0;
    for (const key of await this.#store.list()) {
      if (key.kekId === toKekId) continue;
      const wrapped = await rewrapOne(key.kekId, key.wrappedSeed, signingKeyAad(key.id, key.purpose));
      if (wrapped === undefined) failed += 1;
      else if (await this.#store.rewrap(key.id, key.kekId, toKekId, wrapped)) rewrapped += 1;
    }
    return { rewrapped, failed };
  }
}
