/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the JSON Rampart itself produces: the audit
 * log's leaves are the canonical JSON of their entries, so one entry has exactly one byte
 * spelling and anyone can recompute its leaf hash. The `canonicalize` package would do this, but
 * its current major needs Node 22; this is the small subset we need, refusing anything outside
 * the I-JSON data model (RFC 7493) rather than guessing.
 */

/** A JSON value of the I-JSON data model. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Thrown for a value RFC 8785 cannot serialise (a non-finite number, a lone surrogate, a cycle…). */
export class CanonicalJsonError extends Error {
  constructor(detail: string) {
    super(`canonical JSON: ${detail}`);
    this.name = 'CanonicalJsonError';
  }
}

const MAX_DEPTH = 64;
// RFC 8785 §3.2.2.2 / RFC 7493 §2.1: strings must be valid Unicode; a lone surrogate is refused.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Most strings hold no surrogate at all: this cheaper test spares them the one above.
const SURROGATE = /[\uD800-\uDFFF]/;

/** The RFC 8785 form of one string (a JSON string literal). Throws {@link CanonicalJsonError} on a lone surrogate. */
export function canonicalString(value: string): string {
  return serialiseString(value);
}

function serialiseString(value: string): string {
  if (SURROGATE.test(value) && LONE_SURROGATE.test(value)) throw new CanonicalJsonError('a string holds a lone surrogate');
  // RFC 8785 §3.2.2.2: strings are serialised as ECMAScript's JSON.stringify does (short escapes
  // for \b \t \n \f \r " \\, \u00xx in lowercase hex for other controls, everything else literal).
  return JSON.stringify(value);
}

function serialiseNumber(value: number): string {
  // RFC 8785 §3.2.2.3: numbers use ECMAScript's Number.prototype.toString; NaN and ±Infinity are
  // not JSON, and -0 serialises as 0.
  if (!Number.isFinite(value)) throw new CanonicalJsonError('a number is not finite');
  return Object.is(value, -0) ? '0' : String(value);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function serialise(value: unknown, depth: number, parts: string[]): void {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError(`nesting deeper than ${MAX_DEPTH}`);
  if (value === null) parts.push('null');
  else if (typeof value === 'boolean') parts.push(value ? 'true' : 'false');
  else if (typeof value === 'number') parts.push(serialiseNumber(value));
  else if (typeof value === 'string') parts.push(serialiseString(value));
  else if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((item: unknown, i) => {
      if (i > 0) parts.push(',');
      serialise(item, depth + 1, parts);
    });
    parts.push(']');
  } else if (typeof value === 'object' && isPlainObject(value)) {
    // RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units; the default
    // Array.prototype.sort compares strings exactly that way.
    const keys = Object.keys(value).sort();
    parts.push('{');
    keys.forEach((key, i) => {
      if (i > 0) parts.push(',');
      parts.push(serialiseString(key), ':');
      serialise((value as Record<string, unknown>)[key], depth + 1, parts);
    });
    parts.push('}');
  } else {
    throw new CanonicalJsonError(`a ${typeof value} is not a JSON value`);
  }
}

/** The RFC 8785 canonical form of `value`, as a string. Throws {@link CanonicalJsonError}. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  serialise(value, 0, parts);
  return parts.join('');
}

/** The RFC 8785 canonical form of `value`, as UTF-8 bytes (what gets hashed). */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(canonicalJson(value), 'utf8'));
}
