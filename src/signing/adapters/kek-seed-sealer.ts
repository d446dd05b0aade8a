/**
 * The {@link SeedSealer} over the secrets capability's KEK: the active KEK from its registry, the
 * wrapping done by its provider (in the token, for PKCS#11). When the deployment has no KEK yet it
 * makes the first one, as the secret service does for the first secret.
 */
import type { Secret } from '../../kernel/domain/secret.js';
import { randomToken } from '../../kernel/crypto/random.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Secrets } from '../../secrets/index.js';
import type { SeedSealer } from '../ports/seed-sealer.js';

export class KekSeedSealer implements SeedSealer {
  readonly #secrets: Pick<Secrets, 'kek' | 'keks'>;
  readonly #clock: Clock;

  constructor(secrets: Pick<Secrets, 'kek' | 'keks'>, clock: Clock) {
    this.#secrets = secrets;
    this.#clock = clock;
  }

  async activeKek(): Promise<string> {
    const active = (await this.#secrets.keks.keks()).find((kek) => kek.state === 'active');
    if (active !== undefined) return active.id;
    const id = `kek_${randomToken(16)}`;
    await this.#secrets.kek.create(id);
    await this.#secrets.keks.addKek(id, this.#secrets.kek.source, this.#clock.now());
    return id;
  }

  wrap(kekId: string, seed: Secret<Buffer>, aad: Uint8Array): Promise<string> {
    return this.#secrets.kek.wrap(kekId, seed, aad);
  }

  unwrap(kekId: string, wrapped: string, aad: Uint8Array): Promise<Secret<Buffer>> {
    return this.#secrets.kek.unwrap(kekId, wrapped, aad);
  }
}
