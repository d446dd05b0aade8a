/**
 * `Idempotency-Key` on mutating routes (draft-ietf-httpapi-idempotency-key-header), stored per
 * caller in the database so every instance sees it:
 * - the first request claims the key and runs; its answer (success or error) is stored;
 * - a replay with the same key and request gets that answer back (`Idempotent-Replayed: true`)
 *   without the handler running again;
 * - the same key with another request is 422 `idempotency_key_reused`;
 * - a replay while the first is still running is 409 `conflict`;
 * - a 5xx answer releases the key, so a retry may run; keys expire after 24 h.
 * A client that disconnects does not release its key: the handler goes on, and its answer is
 * stored for the retry that the disconnect is about to cause. If the store fails, the request
 * fails closed (503) rather than running without the guarantee.
 */
import { sha256 } from '../../crypto/digest.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, validationFailed } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';

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

const pending = new WeakMap<FastifyRequest, IdempotencyClaim>();

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

/** JSON with object keys sorted: the same body re-serialised in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": method, route, path parameters, query and body. */
function fingerprint(request: FastifyRequest): string {
  return sha256(
    `${request.method} ${request.routeOptions.url ?? request.url}\n`,
    canonicalJson(request.params ?? {}),
    '\n',
    canonicalJson(request.query ?? {}),
    '\n',
    canonicalJson(request.body ?? null),
  ).toString('hex');
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

  /** Claims the key, or answers the replay/refusal; `replied` when the answer was sent here. */
  async function claimOrReplay(request: FastifyRequest, reply: FastifyReply, key: string): Promise<'continue' | 'replied'> {
    const scope = request.principal === undefined ? `ip:${request.ip}` : `${request.principal.type}:${request.principal.id}`;
    const print = fingerprint(request);
    const now = clock.now();
    const claim: IdempotencyClaim = {
      scope,
      key,
      fingerprint: print,
      now,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
      lockedUntil: now + LOCK_MS,
    };
    let found: IdempotencyBegin;
    try {
      found = await store.begin(claim);
    } catch (error) {
      options.onError(error);
      throw new DomainError('service_unavailable', 'Idempotency keys cannot be checked right now; try again shortly');
    }
    if (found.state === 'claimed') {
      pending.set(request, claim);
      return 'continue';
    }
    if (found.fingerprint !== print) {
      throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    }
    if (found.state === 'in_progress') {
      throw new DomainError('conflict', 'A request with this Idempotency-Key is still being processed');
    }
    void replay(reply, found.response);
    return 'replied';
  }

  /** Stores the first answer (or releases the key after a 5xx); durable before the answer leaves. */
  async function settle(claim: IdempotencyClaim, reply: FastifyReply, payload: unknown): Promise<void> {
    const bytes = payloadBytes(payload);
    try {
      if (reply.statusCode >= 500 || bytes === undefined) {
        await store.release(claim);
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (typeof value === 'string') headers[name] = value;
        }
        await store.complete(claim, { status: reply.statusCode, headers, body: bytes.toString('base64') });
      }
    } catch (error) {
      options.onError(error);
    }
  }

  // Callback-style hooks with a fast path: requests without a key (every GET) cost no promise.
  app.addHook('preHandler', (request, reply, done) => {
    // An unmatched path (404/405) runs nothing, so there is nothing to replay: no key is claimed.
    if (request.is404 || !MUTATING.has(request.method) || request.routeConfig.idempotency === false) {
      done();
      return;
    }
    let key: string | undefined;
    try {
      key = parseKey(request.headers['idempotency-key']);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (key === undefined) {
      done();
      return;
    }
    claimOrReplay(request, reply, key).then(
      (outcome) => {
        if (outcome === 'continue') done();
      },
      (error: unknown) => done(error as Error),
    );
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const claim = pending.get(request);
    if (claim === undefined) {
      done(null, payload);
      return;
    }
    pending.delete(request);
    void settle(claim, reply, payload).then(() => done(null, payload));
  });

  // No onRequestAbort release: Fastify runs the handler and onSend after a client disconnects,
  // so the answer is stored as usual. Releasing at the disconnect let the client's retry run the
  // handler a second time while the first run was still going.
};

// Keys are scoped by principal (authentication, in the request pass); a replay is served only after authorization's
// preHandler has allowed the caller again; the fingerprint walks a body that body-limit has parsed
// and capped in depth (Fastify's own parser would let a 100,000-level body overflow the walk).
export default fp(idempotency, {
  name: 'rampart-idempotency',
  fastify: '5.x',
  dependencies: ['rampart-request-pass', 'rampart-body-limit', 'rampart-authorization'],
  decorators: { request: ['principal', 'routeConfig'] },
});
