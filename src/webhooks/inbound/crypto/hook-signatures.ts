/**
 * The two signature schemes of inbound webhooks, over the raw body bytes, compared in constant
 * time (`timingSafeEqual`), before anything reads the body:
 * - Standard Webhooks 1.0 (spec "Verifying webhooks"): HMAC-SHA256 with the base64-decoded secret
 *   (`whsec_` prefix removed) over `webhook-id + "." + webhook-timestamp + "." + body`; the
 *   `webhook-signature` header holds space-separated `v1,<base64>` entries, any one may match;
 *   the timestamp must be within the tolerance of now, in both directions.
 * - Stripe (`Stripe-Signature: t=<unix>,v1=<hex>,v1=…`): HMAC-SHA256 keyed with the endpoint
 *   secret's bytes over `t + "." + body`; any `v1` may match (Stripe sends one per active secret
 *   while a secret is rolled); `v0` and other schemes are ignored; `t` must be within tolerance.
 * Several keys may be given (the current secret and, during an overlap, the previous one).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_EVENT_ID_LENGTH, type SignatureVerdict } from '../domain/hook-source.js';

/** Headers as Node gives them (lower-case names). */
export type HookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HookHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The HMAC key of a Standard Webhooks secret, or `undefined` when it is not a usable one. */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!BASE64.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length === 0 ? undefined : key;
}

/** The HMAC key of a Stripe endpoint secret: its UTF-8 bytes. */
export function stripeKey(secret: string): Buffer | undefined {
  return secret.length === 0 ? undefined : Buffer.from(secret, 'utf8');
}

function hmac(key: Buffer, parts: readonly Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Whether any of `candidates` equals any expected MAC, every comparison in constant time. */
function anyMatches(expected: readonly Buffer[], candidates: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of candidates) {
    for (const mac of expected) {
      // Lengths are public (32 bytes for SHA-256); only equal lengths are compared.
      if (candidate.length === mac.length && timingSafeEqual(candidate, mac)) matched = true;
    }
  }
  return matched;
}

const SECONDS = /^\d{1,12}$/;

function outsideTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return nowSeconds - timestamp > toleranceSeconds || timestamp - nowSeconds > toleranceSeconds;
}

/** Verifies a Standard Webhooks request with any of `keys`. */
export function verifyStandardWebhooks(
  keys: readonly Buffer[],
  headers: HookHeaders,
  body: Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): SignatureVerdict {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestampText === undefined || signatures === undefined) return { ok: false, reason: 'signature_missing' };
  if (id.length === 0 || id.length > MAX_EVENT_ID_LENGTH || !SECONDS.test(timestampText)) return { ok: false, reason: 'signature_invalid' };
  const timestamp = Number(timestampText);
  if (outsideTolerance(timestamp, nowSeconds, toleranceSeconds)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const candidates = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value !== undefined && BASE64.test(value))
    .map(([, value]) => Buffer.from(value ?? '', 'base64'));
  const prefix = Buffer.from(`${id}.${timestampText}.`, 'utf8');
  const expected = keys.map((key) => hmac(key, [prefix, body]));
  return anyMatches(expected, candidates) ? { ok: true, eventId: id, timestamp } : { ok: false, reason: 'signature_invalid' };
}

const HEX = /^[0-9a-f]{64}$/;

/** Verifies a Stripe request with any of `keys`; the event id is in the body (read after this). */
export function verifyStripe(
  keys: readonly Buffer[],
  headers: HookHeaders,
  body: Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): SignatureVerdict {
  const value = header(headers, 'stripe-signature');
  if (value === undefined) return { ok: false, reason: 'signature_missing' };
  let timestampText: string | undefined;
  const candidates: Buffer[] = [];
  for (const item of value.split(',')) {
    const [name, part, extra] = item.trim().split('=');
    if (name === 't' && part !== undefined && extra === undefined) {
      // Two timestamps would leave which one was signed to the reader: refused.
      if (timestampText !== undefined) return { ok: false, reason: 'signature_invalid' };
      timestampText = part;
    } else if (name === 'v1' && part !== undefined && HEX.test(part)) candidates.push(Buffer.from(part, 'hex'));
  }
  if (timestampText === undefined || !SECONDS.test(timestampText)) return { ok: false, reason: 'signature_invalid' };
  const timestamp = Number(timestampText);
  if (outsideTolerance(timestamp, nowSeconds, toleranceSeconds)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const prefix = Buffer.from(`${timestampText}.`, 'utf8');
  const expected = keys.map((key) => hmac(key, [prefix, body]));
  return anyMatches(expected, candidates) ? { ok: true, eventId: undefined, timestamp } : { ok: false, reason: 'signature_invalid' };
}
