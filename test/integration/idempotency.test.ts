/**
 * `Idempotency-Key` through the real server on every backend (test/fixtures/spec-api-v1.md, "Conventions"):
 * a test route counts how often its handler runs, so each case can show what ran and what was
 * replayed — on one instance, across two instances over the same store, and around a client that
 * disconnects mid-request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { IDEMPOTENCY_TTL_MS } from '../../src/kernel/http/chain/idempotency.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The handler's side of the test: how often it ran per `name`, and runs held until released. */
class Handler {
  readonly #calls = new Map<string, number>();
  readonly #holds = new Map<string, { entered: Deferred[]; release: Deferred }>();
  readonly #aborts = new Map<string, Deferred>();

  calls(name: string): number {
    return this.#calls.get(name) ?? 0;
  }

  /** Runs for `name` wait for `release`; `entered[i]` resolves when run i + 1 has started. */
  hold(name: string): { entered: readonly Deferred[]; release: () => void } {
    const hold = { entered: [deferred(), deferred()], release: deferred() };
    this.#holds.set(name, hold);
    return { entered: hold.entered, release: () => hold.release.resolve() };
  }

  /** Resolves once the server has seen the client of a `name` request go away. */
  aborted(name: string): Promise<void> {
    const signal = deferred();
    this.#aborts.set(name, signal);
    return signal.promise;
  }

  async run(name: string, behaviour: Behaviour | undefined): Promise<{ id: string; name: string; run: number }> {
    const run = this.calls(name) + 1;
    this.#calls.set(name, run);
    const hold = this.#holds.get(name);
    if (hold !== undefined) {
      hold.entered[run - 1]?.resolve();
      await hold.release.promise;
    }
    if (behaviour === 'conflict') throw new DomainError('conflict', `A thing named ${name} exists already`);
    if (behaviour === 'crash-once' && run === 1) throw new Error('the database fell over');
    return { id: `thing_${randomUUID()}`, name, run };
  }

  abort(name: string): void {
    this.#aborts.get(name)?.resolve();
  }
}

type Behaviour = 'conflict' | 'crash-once';

const ThingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    size: Type.Optional(Type.Integer()),
    behaviour: Type.Optional(Type.Union([Type.Literal('conflict'), Type.Literal('crash-once')])),
  },
  { additionalProperties: false },
);

function thingRoutes(handler: Handler) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      '/test/things',
      {
        config: { access: 'public' },
        schema: { body: ThingBody, querystring: Type.Object({ dry_run: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
      },
      async (request, reply) => {
        const body = request.body as { name: string; behaviour?: Behaviour };
        const thing = await handler.run(body.name, body.behaviour);
        return reply.code(201).header('location', `/test/things/${thing.id}`).send(thing);
      },
    );
    // A body-less action (the shape of "cancel", "revoke", "rotate"): Node reports a disconnect
    // as an abort only while the request stream is unread, which is the case without a body.
    app.post(
      '/test/actions/:name',
      {
        config: { access: 'public' },
        schema: { params: Type.Object({ name: Type.String({ minLength: 1 }) }), body: {} },
        onRequestAbort: async (request) => handler.abort((request.params as { name: string }).name),
      },
      async (request, reply) => {
        const thing = await handler.run((request.params as { name: string }).name, undefined);
        return reply.code(201).send(thing);
      },
    );
  };
}

interface Post {
  readonly key?: string;
  readonly body: Record<string, unknown> | string;
  readonly remoteAddress?: string;
  readonly query?: string;
}

function post(server: TestServer, { key, body, remoteAddress, query }: Post): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method: 'POST',
    url: `/test/things${query ?? ''}`,
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

function fresh(label: string): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}

/** The parts of an answer a replay must reproduce. */
function answer(response: LightMyRequestResponse): { status: number; body: string; type: unknown; location: unknown } {
  return {
    status: response.statusCode,
    body: response.body,
    type: response.headers['content-type'],
    location: response.headers.location,
  };
}

for (const backend of await backends()) {
  describe(`Idempotency-Key on ${backend.name}`, () => {
    const handler = new Handler();
    const clock = new FakeClock();
    let store: BackendInstance;
    let a: TestServer;
    let b: TestServer;

    beforeAll(async () => {
      store = await backend.create();
      // Two instances over the same store (the same SQLite file; the same PostgreSQL database),
      // on one clock so that neither sees the other's claims as lapsed.
      a = await testServer(store, { clock, routes: thingRoutes(handler) });
      b = await testServer(store, { clock, routes: thingRoutes(handler) });
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await store?.cleanup();
    });

    it('a replay with the same key and body returns the first answer, and the handler ran once', async () => {
      const name = fresh('replay');
      const key = randomUUID();
      const first = await post(a, { key, body: { name, size: 3 } });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const again = await post(a, { key, body: { name, size: 3 } });
      expect(answer(again)).toEqual(answer(first));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(handler.calls(name)).toBe(1);
    });

    it('the same body with its fields in another order is a replay, not a reuse', async () => {
      const name = fresh('order');
      const key = randomUUID();
      const first = await post(a, { key, body: `{"name":"${name}","size":3}` });
      const again = await post(a, { key, body: `{"size":3,"name":"${name}"}` });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toBe(first.body);
      expect(handler.calls(name)).toBe(1);
    });

    it('the same key with another body is 422 idempotency_key_reused, and the handler does not run', async () => {
      const name = fresh('reuse');
      const key = randomUUID();
      await post(a, { key, body: { name, size: 1 } });
      const reused = await post(a, { key, body: { name, size: 2 } });
      expect(reused.statusCode).toBe(422);
      expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
      expect(handler.calls(name)).toBe(1);
    });

    // Regression: the fingerprint left out the query string, so `?dry_run=true` replayed the
    // answer of the real run (or the other way round) instead of being refused as another request.
    it('the same key and body with another query string is 422, not the other request’s answer', async () => {
      const name = fresh('query');
      const key = randomUUID();
      expect((await post(a, { key, body: { name }, query: '?dry_run=true' })).statusCode).toBe(201);
      const real = await post(a, { key, body: { name } });
      expect(real.statusCode).toBe(422);
      expect(real.json()).toMatchObject({ code: 'idempotency_key_reused' });
      expect(handler.calls(name)).toBe(1);
    });

    it('an error answer (409 conflict from the handler) is stored and replayed too', async () => {
      const name = fresh('conflict');
      const key = randomUUID();
      const first = await post(a, { key, body: { name, behaviour: 'conflict' } });
      expect(first.statusCode).toBe(409);
      expect(first.json()).toMatchObject({ code: 'conflict' });
      const again = await post(a, { key, body: { name, behaviour: 'conflict' } });
      expect(answer(again)).toEqual(answer(first));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(handler.calls(name)).toBe(1);
    });

    it('a 500 is not stored: the retry runs again, and its answer is the one kept', async () => {
      const name = fresh('crash');
      const key = randomUUID();
      const crashed = await post(a, { key, body: { name, behaviour: 'crash-once' } });
      expect(crashed.statusCode).toBe(500);
      expect(crashed.json()).toMatchObject({ code: 'internal_error' });
      const retry = await post(a, { key, body: { name, behaviour: 'crash-once' } });
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      const replay = await post(a, { key, body: { name, behaviour: 'crash-once' } });
      expect(answer(replay)).toEqual(answer(retry));
      expect(handler.calls(name)).toBe(2);
    });

    it('a replay while the first request still runs is 409 conflict', async () => {
      const name = fresh('running');
      const key = randomUUID();
      const hold = handler.hold(name);
      const first = post(a, { key, body: { name } });
      await hold.entered[0]?.promise;
      const meanwhile = await post(a, { key, body: { name } });
      expect(meanwhile.statusCode).toBe(409);
      expect(meanwhile.json()).toMatchObject({ code: 'conflict' });
      hold.release();
      expect((await first).statusCode).toBe(201);
      expect((await post(a, { key, body: { name } })).headers['idempotent-replayed']).toBe('true');
      expect(handler.calls(name)).toBe(1);
    });

    it.each([
      ['empty', ''],
      ['longer than 255 characters', 'k'.repeat(256)],
      ['not ASCII', 'clé-é'],
      ['holding a space', 'two words'],
    ])('a key that is %s is 400 validation_failed naming Idempotency-Key', async (_what, key) => {
      const name = fresh('badkey');
      const refused = await post(a, { key, body: { name } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'Idempotency-Key' }],
      });
      expect(handler.calls(name)).toBe(0);
    });

    it('a key sent to a path that matches no route claims nothing: a later request with it runs', async () => {
      const key = randomUUID();
      const missing = await a.app.inject({
        method: 'POST',
        url: '/api/v1/no-such-thing',
        headers: { 'idempotency-key': key },
        payload: { x: 1 },
      });
      expect(missing.statusCode).toBe(404);
      const again = await a.app.inject({
        method: 'POST',
        url: '/api/v1/no-such-thing',
        headers: { 'idempotency-key': key },
        payload: { x: 2 },
      });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ code: 'not_found' });
      expect(again.headers['idempotent-replayed']).toBeUndefined();
    });

    it('a key of exactly 255 visible characters is accepted', async () => {
      const name = fresh('longkey');
      const key = `${randomBytes(8).toString('hex')}${'~'.repeat(239)}`;
      expect((await post(a, { key, body: { name } })).statusCode).toBe(201);
      expect((await post(a, { key, body: { name } })).headers['idempotent-replayed']).toBe('true');
    });

    it('keys are per caller: another caller with the same key and body runs the handler', async () => {
      const name = fresh('caller');
      const key = randomUUID();
      const mine = await post(a, { key, body: { name }, remoteAddress: '192.0.2.10' });
      const theirs = await post(a, { key, body: { name }, remoteAddress: '192.0.2.11' });
      expect(theirs.statusCode).toBe(201);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.json<{ id: string }>().id).not.toBe(mine.json<{ id: string }>().id);
      expect(handler.calls(name)).toBe(2);
    });

    it('a key is kept 24 h: replayed until then, run again from the moment it expires', async () => {
      const name = fresh('expiry');
      const key = randomUUID();
      const first = await post(a, { key, body: { name } });
      clock.advance(IDEMPOTENCY_TTL_MS - 1);
      expect(answer(await post(a, { key, body: { name } }))).toEqual(answer(first));
      clock.advance(2);
      const later = await post(a, { key, body: { name } });
      expect(later.statusCode).toBe(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(handler.calls(name)).toBe(2);
    });

    it('across instances: a replay on instance B returns the answer A gave, without running again', async () => {
      const name = fresh('cross');
      const key = randomUUID();
      const onA = await post(a, { key, body: { name } });
      const onB = await post(b, { key, body: { name } });
      expect(answer(onB)).toEqual(answer(onA));
      expect(onB.headers['idempotent-replayed']).toBe('true');
      expect(handler.calls(name)).toBe(1);
    });

    it('across instances: concurrent requests with one key on A and B run the handler once', async () => {
      const name = fresh('race');
      const key = randomUUID();
      const hold = handler.hold(name);
      const onA = post(a, { key, body: { name } });
      const onB = post(b, { key, body: { name } });
      // The winner is held in its handler, so the loser answers first. Were both let in, the
      // second entry would come instead, and the count below would show it.
      await Promise.race([onA, onB, hold.entered[1]?.promise]);
      hold.release();
      const statuses = (await Promise.all([onA, onB])).map((r) => r.statusCode).sort();
      expect(handler.calls(name)).toBe(1);
      expect(statuses).toEqual([201, 409]);
    });

    // Regression: the key was released when the client disconnected, while the handler went on.
    // The client's retry — the very case idempotency keys exist for — then ran the handler again.
    it('a client that disconnects mid-request and retries does not run the handler twice', async () => {
      const name = fresh('disconnect');
      const key = randomUUID();
      const hold = handler.hold(name);
      const aborted = handler.aborted(name);
      await a.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = a.app.server.address() as AddressInfo;
      const client = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/test/actions/${name}`,
        headers: { 'idempotency-key': key },
      });
      client.on('error', () => undefined); // the socket is destroyed on purpose
      client.end();
      await hold.entered[0]?.promise;
      client.destroy();
      await aborted; // the server has seen the client go (its abort hooks have run)
      hold.release();

      const retry = (): Promise<LightMyRequestResponse> =>
        a.app.inject({ method: 'POST', url: `/test/actions/${name}`, headers: { 'idempotency-key': key } });
      let answered = await retry();
      while (answered.statusCode === 409) answered = await retry(); // the first run is finishing
      expect(answered.statusCode).toBe(201);
      expect(answered.headers['idempotent-replayed']).toBe('true');
      expect(handler.calls(name)).toBe(1);
    });
  });
}
