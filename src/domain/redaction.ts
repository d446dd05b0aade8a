/**
 * Redaction applied to everything Rampart logs, wherever a secret sits in the object: any field
 * whose name says it holds a password, token, key, secret, cookie or credential, and any string
 * that looks like a bearer credential or an API key, becomes `[redacted]`.
 */
import { REDACTED } from './secret.js';

const SENSITIVE_KEY =
  /pass(word|wd|phrase)?|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|^key$|credential|recovery[-_]?code|otp|totp|^code$|dpop|signature|master[-_]?key|client[-_]?assertion/i;
const SENSITIVE_VALUE = /^(bearer|basic|dpop)\s+\S|^rk_[A-Za-z0-9_-]{8,}|^whsec_|^eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./i;
const MAX_DEPTH = 8;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** A copy of `value` with every sensitive field and value replaced; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return SENSITIVE_VALUE.test(value) ? REDACTED : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Error) {
    return { type: value.name, message: redact(value.message, depth + 1, seen), code: (value as { code?: unknown }).code };
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redact((value as { toJSON: () => unknown }).toJSON(), depth + 1, seen);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redact(item, depth + 1, seen);
  }
  return out;
}

/** A URL path with the values of sensitive query parameters redacted (`?token=…` → `?token=[redacted]`). */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return eq !== -1 && isSensitiveKey(decodeURIComponentSafe(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
