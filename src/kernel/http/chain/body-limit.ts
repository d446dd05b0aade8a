/**
 * Layer 7, request size and body parsing. Every route gets RAMPART_BODY_LIMIT (1 MiB) unless it
 * declares its own `bodyLimit`; Fastify refuses a larger body while reading it (413
 * `payload_too_large`, before the whole body is in memory). Only `application/json` is parsed
 * (anything else is 415), by secure-json-parse with `__proto__` and `constructor.prototype` keys
 * refused (400), so a body can never poison an object's prototype. A body nested deeper than
 * {@link MAX_JSON_DEPTH} is refused (400) before it is parsed: `JSON.parse` copes with 100,000
 * levels, but a recursive walk after it (the idempotency fingerprint's serialisation, for one)
 * overflows the stack at a few thousand and would answer 500.
 *
 * An object with the same member name twice, at any depth, is refused (400): RFC 8259 §4 leaves
 * its meaning open — `JSON.parse` keeps the last, other parsers the first — so a body that a proxy,
 * a WAF or a signer in front of us reads one way would act here another way (a parser
 * differential). Names are compared decoded (`"a"` and `"\u0061"` are the same name). The check is
 * one linear pass over the text, after it parsed, with a set of names per open object.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { parse as secureJsonParse } from 'secure-json-parse';
import { DomainError, validationFailed } from '../../domain/errors.js';

export interface BodyLimitOptions {
  readonly defaultLimit: number;
}

const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/** Nesting deeper than any Rampart body needs, and far below what a recursive walk survives. */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `text` opens more than `max` objects or arrays inside one another (strings skipped). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const COLON = 0x3a;

/** Whitespace of RFC 8259 §2: space, tab, line feed, carriage return. */
function isJsonWhitespace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d;
}

/**
 * Whether some object in `text` names a member twice. `text` must be valid JSON (it has parsed):
 * the scan then needs no error handling. A string is a member name exactly when a `:` follows it.
 */
export function hasDuplicateMember(text: string): boolean {
  // One entry per open container: the names seen so far in an object, `null` for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) {
        if (text.charCodeAt(i) === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      const names = open[open.length - 1];
      if (names === undefined || names === null) continue;
      let next = i + 1;
      while (next < text.length && isJsonWhitespace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== COLON) continue;
      // Escapes are decoded by JSON.parse itself, so that the comparison is the parser's own reading.
      const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (names.has(name)) return true;
      names.add(name);
    } else if (char === OPEN_BRACE) {
      open.push(new Set());
    } else if (char === OPEN_BRACKET) {
      open.push(null);
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      open.pop();
    }
  }
  return false;
}

/** Parses a JSON request body, or throws 400 `validation_failed` naming `body`. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw validationFailed([{ field: 'body', reason: 'is empty' }]);
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw validationFailed([{ field: 'body', reason: `is nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  let parsed: unknown;
  try {
    parsed = secureJsonParse(text, null, PARSE_OPTIONS);
  } catch (error) {
    const poisoned = error instanceof SyntaxError && error.message.includes('forbidden prototype property');
    throw validationFailed([
      { field: 'body', reason: poisoned ? 'holds a forbidden key (__proto__ or constructor.prototype)' : 'is not valid JSON' },
    ]);
  }
  // The member name is not echoed: it is the caller's text, and the field names the place enough.
  if (hasDuplicateMember(text)) throw validationFailed([{ field: 'body', reason: 'names a member twice in one object' }]);
  return parsed;
}

const bodyLimit: FastifyPluginAsync<BodyLimitOptions> = async (app, options) => {
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= options.defaultLimit;
    if (!Number.isInteger(route.bodyLimit) || route.bodyLimit < 1) {
      throw new Error(`route ${String(route.method)} ${route.url} declares a bodyLimit that is not a positive integer`);
    }
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error instanceof DomainError ? error : new DomainError('validation_failed'), undefined);
    }
  });
};

export default fp(bodyLimit, { name: 'rampart-body-limit', fastify: '5.x', dependencies: [] });
