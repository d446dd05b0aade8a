/**
 * The {@link OrgHmacKeys} kept by the secrets capability: the org's secret
 * `artifacts.hmac-key` (32 random bytes, base64url), made on first use. Revealing it is audited
 * by the secret service (`secret.reveal`), so a revealed key is kept in memory for
 * {@link CACHE_MS} rather than revealed on every signature; a new version of the secret is used
 * once the cached one expires.
 */
import { randomKey } from '../../kernel/crypto/random.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Secrets } from '../../secrets/index.js';
import type { OrgHmacKeys } from '../ports/org-hmac-keys.js';

/** The org secret that holds the key. */
export const HMAC_KEY_SECRET = 'artifacts.hmac-key';
const CACHE_MS = 60_000;
/** Orgs whose key is kept at once; past it the cache starts over (each miss is one audited reveal). */
const CACHE_ORGS = 1_000;

interface Cached {
  readonly keyId: string;
  readonly key: Buffer;
  readonly at: number;
}

export class SecretHmacKeys implements OrgHmacKeys {
  readonly #secrets: Pick<Secrets, 'service'>;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Cached>();

  constructor(secrets: Pick<Secrets, 'service'>, clock: Clock) {
    this.#secrets = secrets;
    this.#clock = clock;
  }

  async key(scope: TenantScope, context: RequestContext | undefined): Promise<{ readonly keyId: string; readonly key: Secret<Buffer> }> {
    let cached = this.#cache.get(scope.orgId);
    if (cached === undefined || this.#clock.now() - cached.at >= CACHE_MS) {
      cached = await this.#load(scope, context);
      if (this.#cache.size >= CACHE_ORGS) this.#cache.clear();
      this.#cache.set(scope.orgId, cached);
    }
    return { keyId: cached.keyId, key: secret(Buffer.from(cached.key)) };
  }

  async #load(scope: TenantScope, context: RequestContext | undefined): Promise<Cached> {
    const service = this.#secrets.service;
    const exists = (await service.list(scope)).some((summary) => summary.name === HMAC_KEY_SECRET);
    if (!exists) await service.put(scope, HMAC_KEY_SECRET, secret(randomKey(32).toString('base64url')), context);
    const revealed = await service.reveal(scope, HMAC_KEY_SECRET, undefined, context);
    const key = Buffer.from(revealed.value.reveal(), 'base64url');
    if (key.length < 32) throw new DomainError('conflict', `The org secret ${HMAC_KEY_SECRET} must hold at least 32 bytes (base64url)`);
    return { keyId: `hmac:${scope.orgId}:${revealed.version}`, key, at: this.#clock.now() };
  }
}
