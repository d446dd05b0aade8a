/**
 * Layer 7, request size and body parsing. Every route gets RAMPART_BODY_LIMIT (1 MiB) unless it
 * declares its own `bodyLimit`; Fastify refuses a larger body while reading it (413
 * `payload_too_large`, before the whole body is in memory). Only `application/json` is parsed
 * (anything else is 415), by secure-json-parse with `__proto__` and `constructor.prototype` keys
 * refused (400), so a body can never poison an object's prototype. A body nested deeper than
 * {@link MAX_JSON_DEPTH} is refused (400) before it is parsed: `JSON.parse` copes with 100,000
 * levels, but a recursive walk after it (the idempotency fingerprint's serialisation, for one)
 * overflows the stack at a few thousand and would answer 500.
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

/** Parses a JSON request body, or throws 400 `validation_failed` naming `body`. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw validationFailed([{ field: 'body', reason: 'is empty' }]);
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw validationFailed([{ field: 'body', reason: `is nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  try {
    return secureJsonParse(text, null, PARSE_OPTIONS);
  } catch (error) {
    const poisoned = error instanceof SyntaxError && error.message.includes('forbidden prototype property');
    throw validationFailed([
      { field: 'body', reason: poisoned ? 'holds a forbidden key (__proto__ or constructor.prototype)' : 'is not valid JSON' },
    ]);
  }
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
