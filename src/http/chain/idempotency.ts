/**
 * `Idempotency-Key` on mutating routes (draft-ietf-httpapi-idempotency-key-header), stored per
 * caller in the database so every instance sees it:
 * - the first request claims the key and runs; its answer (success or error) is stored;
 * - a replay with the same key and request gets that answer back (`Idempotent-Replayed: true`)
 *   without the handler running again;
 * - the same key with another request is 422 `idempotency_key_reused`;
 * - a replay while the first is still running is 409 `conflict`;
 * - a 5xx answer releases the key, so a retry may run; keys expire after 24 h.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, validationFailed } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
  readonly onError: (error: unknown) => void;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a claim holds while its request runs; a claim left by a crashed instance lapses then. */
const LOCK_MS = 60_000;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_SYNTAX = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['content-type', 'location'];

interface PendingKey {
  readonly scope: string;
  readonly key: string;
}

const pending = new WeakMap<FastifyRequest, PendingKey>();

/** The key of a request: a bare token or an RFC 8941 sf-string (`"…"`). */
function parseKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? '' : header.trim();
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!KEY_SYNTAX.test(key)) {
    throw validationFailed([{ field: 'Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n`)
    .update(JSON.stringify(request.params ?? {}))
    .update('\n')
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

function replay(reply: FastifyReply, response: StoredResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  reply.header('idempotent-replayed', 'true');
  return reply.code(response.status).send(Buffer.from(response.body, 'base64'));
}

function payloadBytes(payload: unknown): Buffer | undefined {
  if (typeof payload === 'string') return Buffer.from(payload);
  if (Buffer.isBuffer(payload)) return payload;
  if (payload === null || payload === undefined) return Buffer.alloc(0);
  return undefined; // a stream: it cannot be stored
}

const idempotency: FastifyPluginAsync<IdempotencyOptions> = async (app, options) => {
  const { store, clock } = options;

  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method) || request.routeOptions.config.idempotency === false) return;
    const key = parseKey(request.headers['idempotency-key']);
    if (key === undefined) return;
    const scope = request.principal === undefined ? `ip:${request.ip}` : `${request.principal.type}:${request.principal.id}`;
    const print = fingerprint(request);
    const now = clock.now();
    const found = await store.begin({
      scope,
      key,
      fingerprint: print,
      now,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
      lockedUntil: now + LOCK_MS,
    });
    if (found.state === 'claimed') {
      pending.set(request, { scope, key });
      return;
    }
    if (found.fingerprint !== print) {
      throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    }
    if (found.state === 'in_progress') {
      throw new DomainError('conflict', 'A request with this Idempotency-Key is still being processed');
    }
    return replay(reply, found.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = pending.get(request);
    if (claim === undefined) return payload;
    pending.delete(request);
    const bytes = payloadBytes(payload);
    try {
      if (reply.statusCode >= 500 || bytes === undefined) {
        await store.release(claim.scope, claim.key);
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        // Durable before the answer leaves: a retry after this point always finds it.
        await store.complete(claim.scope, claim.key, { status: reply.statusCode, headers, body: bytes.toString('base64') });
      }
    } catch (error) {
      options.onError(error);
    }
    return payload;
  });

  app.addHook('onRequestAbort', async (request) => {
    const claim = pending.get(request);
    if (claim === undefined) return;
    pending.delete(request);
    await store.release(claim.scope, claim.key).catch(options.onError);
  });
};

export default fp(idempotency, { name: 'rampart-idempotency', fastify: '5.x' });
