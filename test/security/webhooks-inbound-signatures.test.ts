/**
 * The inbound signature checks on their own. The exploits: a forged or re-signed Standard
 * Webhooks or Stripe request — a wrong signature, a signature of another version (`v2`, `v0`), a
 * body changed by one byte or re-serialised (`JSON.stringify(JSON.parse(body))`), a timestamp
 * just outside the tolerance, a header missing — must all be refused; several signatures in one
 * header (a sender rolling its secret) and a previous key during an overlap must verify. The
 * Standard Webhooks cases are the reference vectors (test/fixtures/vectors/standard-webhooks.json),
 * cross-checked with the reference implementation (`standardwebhooks`).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { INBOUND_VARIABLES, type PlatformHookSource } from '../../src/webhooks/inbound/config.js';
import { standardWebhooksKey, stripeKey, verifyStandardWebhooks, verifyStripe } from '../../src/webhooks/inbound/crypto/hook-signatures.js';

interface VectorCase {
  readonly id: string;
  readonly kind: 'sign_and_verify' | 'verify' | 'secret';
  readonly expect: 'valid' | 'invalid' | 'invalid_secret';
  readonly secret: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly now?: number;
  readonly expected_signature?: string;
  readonly msg_id?: string;
  readonly timestamp?: string;
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/standard-webhooks.json', import.meta.url), 'utf8')) as {
  readonly source: string;
  readonly cases: readonly VectorCase[];
};

const TOLERANCE = 300;

describe('Standard Webhooks verification against the reference vectors', () => {
  it('webhooks 4: the vectors name their source', () => {
    expect(vectors.source).toContain('standard-webhooks');
    expect(vectors.cases.length).toBeGreaterThan(10);
  });

  for (const vector of vectors.cases) {
    it(`webhooks 4: ${vector.id} is ${vector.expect}`, () => {
      const key = standardWebhooksKey(vector.secret);
      if (vector.kind === 'secret') {
        expect(key).toBeUndefined();
        return;
      }
      expect(key).toBeDefined();
      const body = Buffer.from(vector.body ?? '', 'utf8');
      const verdict = verifyStandardWebhooks([key as Buffer], vector.headers ?? {}, body, vector.now ?? 0, TOLERANCE);
      expect(verdict.ok).toBe(vector.expect === 'valid');
      // The reference implementation agrees (its clock is the vector's `now`).
      const reference = (): unknown => {
        const realNow = Date.now;
        Date.now = () => (vector.now ?? 0) * 1000;
        try {
          return new Webhook(vector.secret).verify(vector.body ?? '', vector.headers ?? {});
        } finally {
          Date.now = realNow;
        }
      };
      if (vector.expect === 'valid') expect(reference).not.toThrow();
      else expect(reference).toThrow();
    });
  }
});

describe('Standard Webhooks attacks', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const key = standardWebhooksKey(secret) as Buffer;
  const now = 1_700_000_000;
  const body = '{"type":"invoice.paid","data":{"id":"in_1","amount":100}}';
  const signed = (text: string, at = now, id = 'msg_1') => ({
    'webhook-id': id,
    'webhook-timestamp': String(at),
    'webhook-signature': new Webhook(secret).sign(id, new Date(at * 1000), text),
  });

  it('webhooks 4: a body changed by one byte is refused', () => {
    const tampered = Buffer.from(body.replace('100', '900'), 'utf8');
    expect(verifyStandardWebhooks([key], signed(body), tampered, now, TOLERANCE)).toEqual({ ok: false, reason: 'signature_invalid' });
  });

  it('webhooks 4: a signature over a re-serialised body does not verify the bytes received', () => {
    const received = Buffer.from('{"type": "invoice.paid", "data": {"id": "in_1", "amount": 100}}', 'utf8');
    const reserialised = JSON.stringify(JSON.parse(received.toString('utf8')));
    expect(verifyStandardWebhooks([key], signed(reserialised), received, now, TOLERANCE).ok).toBe(false);
    expect(verifyStandardWebhooks([key], signed(received.toString('utf8')), received, now, TOLERANCE).ok).toBe(true);
  });

  it('webhooks 4: a timestamp one second outside the tolerance is refused either way', () => {
    expect(verifyStandardWebhooks([key], signed(body, now - TOLERANCE - 1), Buffer.from(body), now, TOLERANCE)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    expect(verifyStandardWebhooks([key], signed(body, now + TOLERANCE + 1), Buffer.from(body), now, TOLERANCE)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    expect(verifyStandardWebhooks([key], signed(body, now - TOLERANCE), Buffer.from(body), now, TOLERANCE).ok).toBe(true);
  });

  it('webhooks 4: a signature made for another message id is refused', () => {
    const headers = { ...signed(body), 'webhook-id': 'msg_2' };
    expect(verifyStandardWebhooks([key], headers, Buffer.from(body), now, TOLERANCE).ok).toBe(false);
  });

  it('webhooks 4: several signatures, one valid, verify; the previous key verifies during an overlap', () => {
    const next = standardWebhooksKey('whsec_' + Buffer.alloc(24, 7).toString('base64')) as Buffer;
    const headers = signed(body);
    const withJunk = {
      ...headers,
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v2,abc ${headers['webhook-signature']}`,
    };
    expect(verifyStandardWebhooks([key], withJunk, Buffer.from(body), now, TOLERANCE).ok).toBe(true);
    expect(verifyStandardWebhooks([next, key], headers, Buffer.from(body), now, TOLERANCE).ok).toBe(true);
    expect(verifyStandardWebhooks([next], headers, Buffer.from(body), now, TOLERANCE).ok).toBe(false);
  });

  it('webhooks 4: missing headers are reported as missing, malformed ones as invalid', () => {
    const { 'webhook-signature': _signature, ...unsigned } = signed(body);
    expect(verifyStandardWebhooks([key], unsigned, Buffer.from(body), now, TOLERANCE)).toEqual({ ok: false, reason: 'signature_missing' });
    expect(verifyStandardWebhooks([key], { ...signed(body), 'webhook-timestamp': '1e9' }, Buffer.from(body), now, TOLERANCE)).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
    expect(verifyStandardWebhooks([key], { ...signed(body), 'webhook-id': 'x'.repeat(256) }, Buffer.from(body), now, TOLERANCE).ok).toBe(
      false,
    );
  });
});

describe('Stripe-Signature verification', () => {
  const secret = 'whsec_test_stripe_endpoint_secret';
  const key = stripeKey(secret) as Buffer;
  const now = 1_700_000_000;
  const body = '{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}';
  const v1 = (text: string, at: number, withSecret = secret) => createHmac('sha256', withSecret).update(`${at}.${text}`).digest('hex');

  it('webhooks 4: a valid signature verifies, and any of several v1 may match', () => {
    expect(verifyStripe([key], { 'stripe-signature': `t=${now},v1=${v1(body, now)}` }, Buffer.from(body), now, TOLERANCE)).toEqual({
      ok: true,
      eventId: undefined,
      timestamp: now,
    });
    const rolling = `t=${now},v1=${v1(body, now, 'whsec_other')},v1=${v1(body, now)},v0=${'0'.repeat(64)}`;
    expect(verifyStripe([key], { 'stripe-signature': rolling }, Buffer.from(body), now, TOLERANCE).ok).toBe(true);
  });

  it('webhooks 4: wrong secret, v0 only, changed body, stale or future t are refused', () => {
    const refused = [
      `t=${now},v1=${v1(body, now, 'whsec_other')}`,
      `t=${now},v0=${v1(body, now)}`,
      `t=${now - TOLERANCE - 1},v1=${v1(body, now - TOLERANCE - 1)}`,
      `t=${now + TOLERANCE + 1},v1=${v1(body, now + TOLERANCE + 1)}`,
      `v1=${v1(body, now)}`,
      `t=${now},t=${now + 1},v1=${v1(body, now)}`,
    ];
    for (const header of refused)
      expect(verifyStripe([key], { 'stripe-signature': header }, Buffer.from(body), now, TOLERANCE).ok).toBe(false);
    const tampered = Buffer.from(body.replace('pi_1', 'pi_2'));
    expect(verifyStripe([key], { 'stripe-signature': `t=${now},v1=${v1(body, now)}` }, tampered, now, TOLERANCE).ok).toBe(false);
    expect(verifyStripe([key], {}, Buffer.from(body), now, TOLERANCE)).toEqual({ ok: false, reason: 'signature_missing' });
  });
});

describe('RAMPART_INBOUND_* configuration', () => {
  const parse = (raw: string | undefined) =>
    INBOUND_VARIABLES.find((variable) => variable.env === 'RAMPART_INBOUND_SOURCES')?.parse(raw, {});

  it('webhooks 4: platform sources are name=scheme:secret, the secret kept out of sight', () => {
    const sources = parse('stripe=stripe:whsec_abc,partner=standard-webhooks:whsec_AAAA') as readonly PlatformHookSource[];
    expect(sources.map((source) => [source.name, source.scheme, source.secret.reveal()])).toEqual([
      ['stripe', 'stripe', 'whsec_abc'],
      ['partner', 'standard-webhooks', 'whsec_AAAA'],
    ]);
    expect(JSON.stringify(sources)).not.toContain('whsec_abc');
    expect(parse(undefined)).toEqual([]);
  });

  it('webhooks 4: a malformed list stops the start without echoing a secret', () => {
    for (const raw of ['stripe', 'stripe=paypal:whsec_abc', 'src_x=stripe:whsec_abc', 'Stripe=stripe:whsec_abc', 'a=stripe:x,a=stripe:y']) {
      let message = '';
      try {
        parse(raw);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('whsec_abc');
    }
  });
});
