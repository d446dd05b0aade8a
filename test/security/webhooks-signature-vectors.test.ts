/**
 * The signing side against the Standard Webhooks vectors (test/fixtures/vectors/standard-webhooks.json,
 * issue 15 item 3): Rampart's signer gives each `sign_and_verify` case's expected signature, and a
 * header of several signatures (a rotation's overlap) verifies with the reference implementation
 * under either secret. A secret the reference refuses is refused here too.
 */
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { secret } from '../../src/kernel/domain/secret.js';
import { newSigningSecret, webhookHeaders, WebhookSigner } from '../../src/webhooks/crypto/webhook-signature.js';

interface Case {
  id: string;
  kind: 'sign_and_verify' | 'verify' | 'secret';
  secret: string;
  msg_id?: string;
  timestamp?: string;
  body?: string;
  expected_signature?: string;
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/standard-webhooks.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('webhook signatures (Standard Webhooks vectors)', () => {
  const signing = vectors.cases.filter((c) => c.kind === 'sign_and_verify');

  it('webhooks 3: the vectors hold sign-and-verify cases', () => {
    expect(signing.length).toBeGreaterThan(0);
  });

  for (const c of signing) {
    it(`webhooks 3: ${c.id}: the signer gives the expected signature`, () => {
      const signer = new WebhookSigner(secret(c.secret));
      const at = new Date(Number(c.timestamp) * 1000);
      expect(signer.sign(c.msg_id!, at, c.body!)).toBe(c.expected_signature);
      expect(webhookHeaders(c.msg_id!, at, c.body!, [signer])).toEqual({
        'webhook-id': c.msg_id,
        'webhook-timestamp': c.timestamp,
        'webhook-signature': c.expected_signature,
      });
    });
  }

  for (const c of vectors.cases.filter((v) => v.kind === 'secret')) {
    it(`webhooks 3: ${c.id}: a secret the reference refuses is refused`, () => {
      expect(() => new WebhookSigner(secret(c.secret))).toThrow();
    });
  }

  it('webhooks 1: two signatures in one header: the reference verify accepts either secret, and neither forged one', () => {
    const [old, current] = [newSigningSecret(), newSigningSecret()];
    const body = '{"type":"member.added","timestamp":"2026-01-01T00:00:00.000Z","data":{"user_id":"usr_1","role":"viewer"}}';
    const headers = webhookHeaders('evt_1', new Date(), body, [new WebhookSigner(current), new WebhookSigner(old)]);
    for (const key of [old, current]) expect(new Webhook(key.reveal()).verify(body, headers)).toMatchObject({ type: 'member.added' });
    expect(() => new Webhook(newSigningSecret().reveal()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current.reveal()).verify(`${body} `, headers)).toThrow();
  });
});
