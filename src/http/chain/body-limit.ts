/**
 * Layer 7, request size and body parsing. Every route gets RAMPART_BODY_LIMIT (1 MiB) unless it
 * declares its own `bodyLimit`; Fastify refuses a larger body while reading it (413
 * `payload_too_large`, before the whole body is in memory). Only `application/json` is parsed
 * (anything else is 415), by secure-json-parse with `__proto__` and `constructor.prototype` keys
 * refused (400), so a body can never poison an object's prototype.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { parse as secureJsonParse } from 'secure-json-parse';
import { DomainError, validationFailed } from '../../domain/errors.js';

export interface BodyLimitOptions {
  readonly defaultLimit: number;
}

const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw validationFailed([{ field: 'body', reason: 'is empty' }]);
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

export default fp(bodyLimit, { name: 'rampart-body-limit', fastify: '5.x' });
