/**
 * SIGTERM during concurrent writes: an orchestrator stopping Rampart mid-traffic must not lose a
 * write it acknowledged. The server runs as a real child process (test/fixtures/write-server.ts:
 * `startServer` plus one write route, stopped by `closeOnSignal` exactly as `rampart serve` is),
 * 50 writes go in over keep-alive connections, SIGTERM arrives while they are in flight, and the
 * store is then opened directly: every id answered 2xx must be there. Once draining, the server
 * takes no new work (new connections are refused, or answered 503), and it exits 0.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { startServer } from '../../src/serve.js';
import { backends, sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { cleanEnv, startChild, type Child } from '../helpers/processes.js';
import { LogCapture, testConfig } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/write-server.ts');
const WRITES = 50;

type Outcome = { readonly status: number; readonly connection: string | undefined } | { readonly error: string };

function send(agent: Agent, url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, url),
      { method, agent, headers: payload === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

const acknowledged = (outcome: Outcome): boolean => 'status' in outcome && outcome.status >= 200 && outcome.status < 300;

async function storedIds(store: BackendInstance): Promise<Set<string>> {
  if (store.databaseUrl === undefined) {
    const db = new BetterSqlite3(join(store.dataDir, 'rampart.db'), { readonly: true, fileMustExist: true });
    try {
      return new Set((db.prepare('select id from test_writes').all() as { id: string }[]).map((row) => row.id));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ id: string }>('select id from test_writes');
    return new Set(result.rows.map((row) => row.id));
  } finally {
    await client.end();
  }
}

const isReceived = (line: Record<string, unknown>): boolean => typeof line.received === 'string';

for (const backend of await backends()) {
  describe(`SIGTERM during ${WRITES} concurrent writes on ${backend.name}`, () => {
    const stores: BackendInstance[] = [];
    const children: Child[] = [];
    const agents: Agent[] = [];

    async function spawnWriteServer(gated: boolean): Promise<{ child: Child; url: string; store: BackendInstance }> {
      const store = await backend.create();
      stores.push(store);
      const child = startChild(process.execPath, ['--import', 'tsx', FIXTURE], {
        cwd: ROOT,
        env: cleanEnv({
          ...store.env,
          RAMPART_PORT: '0',
          RAMPART_LOG_LEVEL: 'info',
          // The longest drain allowed: should kept-alive connections hold the drain open, the
          // child would not exit within the test's timeout.
          RAMPART_SHUTDOWN_TIMEOUT: '600',
          WRITE_SERVER_GATE: gated ? '1' : '0',
        }),
      });
      children.push(child);
      const { url } = await child.waitForJson((line) => typeof line.url === 'string', 'its URL');
      return { child, url: String(url), store };
    }

    function agent(maxSockets: number): Agent {
      const made = new Agent({ keepAlive: true, maxSockets });
      agents.push(made);
      return made;
    }

    afterAll(async () => {
      for (const made of agents) made.destroy();
      await Promise.all(children.map((child) => child.stop()));
      await Promise.all(stores.map((store) => store.cleanup()));
    });

    it('finishes every write in flight at SIGTERM, takes no new work, exits 0, and loses no acknowledged write', async () => {
      const { child, url, store } = await spawnWriteServer(true);
      // A kept-alive connection that is idle when SIGTERM arrives.
      const idle = agent(1);
      expect(await send(idle, url, 'GET', '/healthz')).toMatchObject({ status: 200 });

      const tag = randomBytes(4).toString('hex');
      const ids = Array.from({ length: WRITES }, (_, i) => `w-${tag}-${i}`);
      const writers = agent(WRITES);
      const pending = ids.map((id) => send(writers, url, 'POST', '/test/writes', { id }));
      // Every write is inside its handler, held before its insert: all 50 are in flight.
      await child.waitUntil((lines) => lines.filter(isReceived).length === WRITES, `${WRITES} received writes`);

      child.process.kill('SIGTERM');
      await child.waitForJson((line) => line.msg === 'draining in-flight requests', 'the draining log line');

      // Draining: a new connection, and the idle kept-alive one, get no new work done.
      const late = await send(agent(1), url, 'POST', '/test/writes', { id: `late-${tag}` });
      const reused = await send(idle, url, 'GET', '/healthz');
      for (const outcome of [late, reused]) {
        if ('status' in outcome) expect(outcome.status).toBe(503);
        else expect(outcome.error).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
      }

      child.process.kill('SIGUSR2'); // release the held writes
      const outcomes = await Promise.all(pending);
      expect(outcomes.filter(acknowledged)).toHaveLength(WRITES);
      // Regression: answers sent while draining said keep-alive, and the drain then waited for
      // RAMPART_SHUTDOWN_TIMEOUT on those idle connections.
      for (const outcome of outcomes) expect(outcome).toMatchObject({ connection: 'close' });
      expect(await child.exited).toEqual({ code: 0, signal: null });

      const stored = await storedIds(store);
      for (const id of ids) expect(stored.has(id), `acknowledged ${id} is stored`).toBe(true);
      expect(stored.has(`late-${tag}`)).toBe(false);
    });

    it('SIGTERM amid a burst of writes: every write answered 2xx is stored, the others failed cleanly', async () => {
      const { child, url, store } = await spawnWriteServer(false);
      const tag = randomBytes(4).toString('hex');
      const ids = Array.from({ length: WRITES }, (_, i) => `b-${tag}-${i}`);
      const writers = agent(WRITES);
      const pending = ids.map((id) => send(writers, url, 'POST', '/test/writes', { id }));
      await child.waitForJson(isReceived, 'a first received write');
      child.process.kill('SIGTERM');

      const outcomes = await Promise.all(pending);
      expect(await child.exited).toEqual({ code: 0, signal: null });
      const stored = await storedIds(store);
      outcomes.forEach((outcome, i) => {
        const id = ids[i] ?? '';
        if (acknowledged(outcome)) expect(stored.has(id), `acknowledged ${id} is stored`).toBe(true);
        else if ('status' in outcome) expect(outcome.status).toBe(503);
      });
      expect(outcomes.some(acknowledged)).toBe(true);
    });
  });
}

describe('draining', () => {
  it('a request arriving on a still-open connection while draining is answered 503 problem+json, Connection: close', async () => {
    const store = await sqliteBackend.create();
    const config = testConfig(store);
    const server = await startServer(config, { logger: createLogger(config.logLevel, new LogCapture()) });
    const client = new Socket();
    try {
      const accepted = new Promise<Socket>((resolve) => server.app.server.once('connection', resolve));
      const url = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        client.connect(Number(url.port), url.hostname, resolve);
      });
      let answer = '';
      client.setEncoding('utf8').on('data', (chunk: string) => {
        answer += chunk;
      });
      const ended = new Promise<void>((resolve) => client.once('close', () => resolve()));
      // Half a request: the connection is busy (not idle), so closing the server leaves it open.
      client.write('GET /healthz HTTP/1.1\r\nHost: rampart.test\r\n');
      const serverSide = await accepted;
      for (let i = 0; i < 500 && serverSide.bytesRead === 0; i++) await delay(10);
      expect(serverSide.bytesRead).toBeGreaterThan(0);

      const closing = server.close();
      client.write('\r\n');
      await ended;
      await closing;

      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 503 /);
      expect(head).toMatch(/^connection: close$/im);
      expect(head).toMatch(/^content-type: application\/problem\+json/im);
      expect(head).toMatch(/^x-content-type-options: nosniff$/im);
      expect(head).toMatch(/^x-request-id: \S+$/im);
      expect(JSON.parse(body)).toMatchObject({ status: 503, code: 'service_unavailable' });
    } finally {
      client.destroy();
      await server.close();
      await store.cleanup();
    }
  });
});
