/**
 * The HMAC keys of hook sources, read once and kept in memory: an org source's secret versions are
 * revealed through the secrets capability (each reveal is audited, so not once per request) and
 * cached by (org, name, version) — a version never changes, so the cache needs no invalidation,
 * only a bound. A platform source's key comes from the configuration.
 */
import type { Secret } from '../../../kernel/domain/secret.js';
import { standardWebhooksKey, stripeKey } from '../crypto/hook-signatures.js';
import type { HookScheme } from '../domain/hook-source.js';

/** Reveals one version of an org's secret (the composition passes the secrets service, in a system scope). */
export type RevealSecret = (orgId: string, name: string, version: number) => Promise<Secret<string>>;

const MAX_CACHED_KEYS = 4096;

/** The key of `secret` under `scheme`, or `undefined` when the secret cannot be one. */
export function keyOf(scheme: HookScheme, secret: string): Buffer | undefined {
  return scheme === 'stripe' ? stripeKey(secret) : standardWebhooksKey(secret);
}

export class SourceKeys {
  readonly #reveal: RevealSecret;
  readonly #keys = new Map<string, Buffer | undefined>();

  constructor(reveal: RevealSecret) {
    this.#reveal = reveal;
  }

  /** The key of one version; `undefined` when the stored secret is not a usable key for `scheme`. */
  async key(orgId: string, name: string, version: number, scheme: HookScheme): Promise<Buffer | undefined> {
    const cacheKey = `${orgId}\u0000${name}\u0000${version}\u0000${scheme}`;
    if (this.#keys.has(cacheKey)) return this.#keys.get(cacheKey);
    const key = keyOf(scheme, (await this.#reveal(orgId, name, version)).reveal());
    if (this.#keys.size >= MAX_CACHED_KEYS) this.#keys.delete(this.#keys.keys().next().value as string);
    this.#keys.set(cacheKey, key);
    return key;
  }

  /** Drops every key (at shutdown). */
  forget(): void {
    for (const key of this.#keys.values()) key?.fill(0);
    this.#keys.clear();
  }
}
