/**
 * Redaction applied to everything Rampart logs, wherever a secret sits in the object: any field
 * whose name says it holds a password, token, key, secret, cookie or credential, and any string
 * that looks like a bearer credential or an API key, becomes `[redacted]`. Inside longer strings
 * (an error message quoting a header, a logged URL) the credential itself and the values of
 * sensitive query parameters are cut out, and the rest kept for the operator.
 */
import { REDACTED } from './secret.js';

const SENSITIVE_KEY =
  /pass(word|wd|phrase)?|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|^key$|credential|recovery[-_]?code|otp|totp|^code$|dpop|signature|master[-_]?key|client[-_]?assertion/i;
const SENSITIVE_VALUE = /^(bearer|basic|dpop)\s+\S|^rk_[A-Za-z0-9_-]{8,}|^whsec_|^eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./i;
/** Credentials recognisable by their shape, wherever they sit in a longer string. */
const EMBEDDED_CREDENTIALS: readonly RegExp[] = [
  // RFC 6750 §2.1 b64token after an auth scheme (RFC 7617 Basic, RFC 9449 DPoP alike).
  /\b(?:bearer|basic|dpop)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\brk_[A-Za-z0-9_-]{8,}/g,
  /\bwhsec_[A-Za-z0-9+/=_-]+/g,
  // A JWS in compact serialisation (RFC 7515 §7.1): its header always starts `{"` → `eyJ`.
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];
const QUERY_PARAMETER = /([?&;])([^=&#\s]+)=([^&#\s]*)/g;
const MAX_DEPTH = 8;

// `code` holds one-time codes in request bodies, but error codes in errors: a value shaped like an
// error code (`FST_ERR_CTP_BODY_TOO_LARGE`, `validation_failed`, `ECONNREFUSED`) is kept for the
// operator; digits, dashes and anything else are redacted.
const ERROR_CODE_VALUE = /^(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|E[A-Z]{3,})$/;

function isErrorCodeField(key: string, value: unknown): boolean {
  return key === 'code' && typeof value === 'string' && ERROR_CODE_VALUE.test(value);
}

/**
 * Marks a log object built only from values that were redacted already or cannot hold a secret
 * (the access-log line: method, route pattern, redacted URL, status, duration, address), so the
 * logger skips the deep copy — it runs on every request.
 */
export const PRE_REDACTED: unique symbol = Symbol('rampart.preRedacted');

export function isPreRedacted(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [PRE_REDACTED]?: unknown })[PRE_REDACTED] === true;
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** `text` with whole-value credentials replaced, and embedded ones and sensitive query values cut out. */
export function redactText(text: string): string {
  if (SENSITIVE_VALUE.test(text)) return REDACTED;
  let out = text;
  for (const pattern of EMBEDDED_CREDENTIALS) out = out.replace(pattern, REDACTED);
  if (!out.includes('=')) return out;
  return out.replace(QUERY_PARAMETER, (whole: string, separator: string, name: string) =>
    isSensitiveKey(decodeURIComponentSafe(name)) ? `${separator}${name}=${REDACTED}` : whole,
  );
}

/** A copy of `value` with every sensitive field and value replaced; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
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
    out[key] = isSensitiveKey(key) && !isErrorCodeField(key, item) ? REDACTED : redact(item, depth + 1, seen);
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
