/**
 * `/readyz` follows its dependencies: a load balancer must stop sending traffic to an instance
 * whose PostgreSQL or Redis is gone, and send it again once they are back — and the probe must
 * answer promptly while they are gone, not hang on a dead connection. The shared services are
 * not touched: this suite starts a private PostgreSQL cluster (initdb + pg_ctl, as the postgres
 * OS user) and a private redis-server, stops and restarts them, and removes them afterwards.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/backends.js';
import { freePort, startChild, type Child } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const execFile = promisify(execFileCallback);
const IN_CI = process.env.CI === 'true';

function findPgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'pg_ctl')) && existsSync(join(root, entry, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

/** Whether a suite can run; otherwise a loud skip, or a failure under CI=true. */
function required(what: string, ok: boolean, why: string): boolean {
  if (ok) return true;
  if (IN_CI) throw new Error(`${what} is required under CI=true: ${why}`);
  process.stderr.write(`\n!!! ${what}: ${why}; its tests are SKIPPED.\n\n`);
  return false;
}

/** GET /readyz; a dependency that makes the probe hang fails here instead of timing the test out. */
async function readyz(server: TestServer): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const HANG = 10_000; // ten times the probes' own timeout: only a hang gets here
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('/readyz did not answer: the probe hangs')), HANG);
  });
  try {
    const response = await Promise.race([server.app.inject({ method: 'GET', url: '/readyz' }), hung]);
    return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
  } finally {
    clearTimeout(timer);
  }
}

/** Polls /readyz until it answers 200 (a readiness wait, bounded), and returns that answer. */
async function untilReady(server: TestServer): Promise<Awaited<ReturnType<typeof readyz>>> {
  let last = await readyz(server);
  for (let attempt = 0; attempt < 150 && last.status !== 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await readyz(server);
  }
  return last;
}

const PG_BIN = findPgBin();
const pgRunnable = required(
  'a private PostgreSQL cluster',
  process.getuid?.() === 0 && PG_BIN !== undefined,
  PG_BIN === undefined ? 'no initdb/pg_ctl under /usr/lib/postgresql/*/bin' : 'initdb must run as the postgres user: run the tests as root',
);

describe.runIf(pgRunnable)('/readyz when PostgreSQL stops and comes back', () => {
  const bin = PG_BIN ?? '';
  // The password is never checked (trust) but must never be logged either.
  const PASSWORD = 'readiness-pw-9f3a';
  let root: string;
  let cluster: string;
  let port: number;
  let dataDir: string;
  let server: TestServer | undefined;

  const asPostgres = (command: string, args: string[]) => execFile('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]);
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', cluster, '-l', join(root, 'postgres.log'), '-w', '-t', '60', ...args]);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'rampart-readiness-pg-'));
    const uid = Number((await execFile('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await execFile('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(root, uid, gid);
    cluster = join(root, 'cluster');
    port = await freePort();
    await asPostgres('initdb', ['-D', cluster, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
    await pgCtl('-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE rampart_readiness');
    await admin.end();
    dataDir = tempDataDir();
    server = await testServer({
      env: {
        RAMPART_DATA_DIR: dataDir,
        RAMPART_DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/rampart_readiness`,
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    if (existsSync(join(cluster, 'postmaster.pid'))) await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    if (dataDir !== undefined) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('answers 200, then 503 service_unavailable with database unavailable, then 200 once it is back', async () => {
    const live = server as TestServer;
    expect(await readyz(live)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });

    await pgCtl('-m', 'fast', 'stop');
    const down = await readyz(live);
    expect(down.status).toBe(503);
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ status: 503, code: 'service_unavailable', checks: { database: 'unavailable' } });
    expect(typeof down.body.request_id).toBe('string');

    await pgCtl('-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    expect(await untilReady(live)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });

    // The pool's errors were logged (the process did not crash on them) and never with the URL's password.
    expect(live.logs.text).not.toContain(PASSWORD);
  });
});

const redisRunnable = required('a private redis-server', onPath('redis-server'), 'redis-server is not on the PATH');

describe.runIf(redisRunnable)('/readyz when Redis stops and comes back', () => {
  let port: number;
  let redis: Child | undefined;
  let dataDir: string;
  let server: TestServer | undefined;

  const startRedis = (): Child =>
    startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no']);

  async function untilRedisAnswers(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']).catch(() => ({ stdout: '' }));
      if (answer.stdout.trim() === 'PONG') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the private redis-server on port ${port} did not come up`);
  }

  beforeAll(async () => {
    port = await freePort();
    redis = startRedis();
    await untilRedisAnswers();
    dataDir = tempDataDir();
    server = await testServer({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_REDIS_URL: `redis://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await server?.close();
    await redis?.stop();
    if (dataDir !== undefined) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('answers 200 with redis ok, then 503 with redis unavailable, then 200 once it is back', async () => {
    const live = server as TestServer;
    expect(await untilReady(live)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', redis: 'ok' } } });

    await redis?.stop();
    // Regression: /readyz sat behind the Redis-backed rate limiter, which fails closed, so a Redis
    // outage answered 503 without `checks` (never saying what was down).
    const down = await readyz(live);
    expect(down.status).toBe(503);
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ code: 'service_unavailable', checks: { database: 'ok', redis: 'unavailable' } });

    redis = startRedis();
    await untilRedisAnswers();
    expect(await untilReady(live)).toMatchObject({ status: 200, body: { checks: { database: 'ok', redis: 'ok' } } });
  });
});
