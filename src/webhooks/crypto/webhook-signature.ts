/**
 * Standard Webhooks signing (the spec's "Signature scheme"), with the `standardwebhooks` package,
 * the spec's reference implementation: `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`, one per active secret, separated by spaces — so a
 * receiver that knows either the old or the new secret during a rotation's overlap accepts it.
 *
 * A secret is `whsec_` and the base64 of 32 random bytes (the reference format); it is stored only
 * through the secrets capability and held here in memory as a {@link Secret}.
 */
import { Webhook } from 'standardwebhooks';
import { randomKey } from '../../kernel/crypto/random.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 256 random bits, base64. */
export function newSigningSecret(): Secret<string> {
  return secret(`${SECRET_PREFIX}${randomKey(32).toString('base64')}`);
}

/** A signer over one secret (the key decoded once). */
export class WebhookSigner {
  readonly #webhook: Webhook;

  constructor(signingSecret: Secret<string>) {
    this.#webhook = new Webhook(signingSecret.reveal());
  }

  /** `v1,<signature>` of `body` under this secret. */
  sign(webhookId: string, timestamp: Date, body: string): string {
    return this.#webhook.sign(webhookId, timestamp, body);
  }
}

/** The three Standard Webhooks headers of one attempt, signed by every signer given. */
export function webhookHeaders(
  webhookId: string,
  timestamp: Date,
  body: string,
  signers: readonly WebhookSigner[],
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signers.map((signer) => signer.sign(webhookId, timestamp, body)).join(' '),
  };
}
