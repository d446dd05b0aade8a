/**
 * The signing secrets of the endpoints, as the workers need them: read through the secrets
 * capability (a system-scope reveal, audited there as `secret.reveal` by the system) and kept in
 * memory per org, secret and version, so that a busy endpoint costs one reveal per instance and
 * version, not one per delivery. A rotation makes a new version (a new cache entry); the old one
 * is used only while the endpoint row names it. The cache is bounded and emptied on close.
 */
import type { Secret } from '../../kernel/domain/secret.js';
import { WebhookSigner } from '../crypto/webhook-signature.js';
import { signingVersions, type WebhookEndpoint } from '../domain/webhook-endpoint.js';

/** Reads one version of one of an org's secrets (the composition binds the system scope). */
export type RevealSecret = (orgId: string, name: string, version: number) => Promise<Secret<string>>;

const CACHE_LIMIT = 10_000;

export class SigningKeys {
  readonly #reveal: RevealSecret;
  readonly #signers = new Map<string, Promise<WebhookSigner>>();

  constructor(reveal: RevealSecret) {
    this.#reveal = reveal;
  }

  /** The signers of `endpoint` at `now`: the current secret, and the previous one during its overlap. */
  signers(endpoint: WebhookEndpoint, now: number): Promise<WebhookSigner[]> {
    return Promise.all(signingVersions(endpoint, now).map((version) => this.#signer(endpoint, version)));
  }

  #signer(endpoint: WebhookEndpoint, version: number): Promise<WebhookSigner> {
    const key = `${endpoint.orgId}\0${endpoint.secretName}\0${version}`;
    const cached = this.#signers.get(key);
    if (cached !== undefined) return cached;
    if (this.#signers.size >= CACHE_LIMIT) this.#signers.clear();
    const signer = this.#reveal(endpoint.orgId, endpoint.secretName, version).then((value) => new WebhookSigner(value));
    this.#signers.set(key, signer);
    // A failed reveal is not remembered: the next attempt asks again.
    signer.catch(() => {
      if (this.#signers.get(key) === signer) this.#signers.delete(key);
    });
    return signer;
  }

  forget(): void {
    this.#signers.clear();
  }
}
