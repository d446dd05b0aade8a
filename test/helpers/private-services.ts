/**
 * PostgreSQL and Redis of a suite's own, for tests that stop, restart and kill them: the shared
 * services serve every other suite running at the same time and must never be touched. A private
 * PostgreSQL is a cluster made with initdb (as the postgres OS user, so the suite runs as root)
 * on a free port in a temporary directory; a private Redis is a redis-server child on a free
 * port. Without the binaries a suite skips loudly — except under CI=true, where it fails.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startChild, type Child } from './processes.js';

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

/** Whether private PostgreSQL and Redis can run here; otherwise a loud skip, or a failure under CI=true. */
export function privateServicesRunnable(what: string): boolean {
  const pgBin = findPgBin();
  const why =
    pgBin === undefined
      ? 'no initdb/pg_ctl under /usr/lib/postgresql/*/bin'
      : process.getuid?.() !== 0
        ? 'initdb must run as the postgres user: run the tests as root'
        : !onPath('redis-server')
          ? 'redis-server is not on the PATH'
          : undefined;
  if (why === undefined) return true;
  if (IN_CI) throw new Error(`${what} needs a private PostgreSQL and Redis under CI=true: ${why}`);
  process.stderr.write(`\n!!! ${what}: ${why}; its tests are SKIPPED.\n\n`);
  return false;
}

export interface PrivatePostgres {
  /** The superuser's URL of `database` (the schema owner). */
  readonly ownerUrl: string;
  /** A login role that owns nothing and cannot bypass row-level security, as in production. */
  readonly workingUrl: string;
  /** Stops the server (`fast`: connections are closed; `immediate`: as a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Terminates every connection to the database but the caller's (pg_terminate_backend). */
  killConnections(): Promise<number>;
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  remove(): Promise<void>;
}

export async function startPrivatePostgres(database = 'rampart_faults'): Promise<PrivatePostgres> {
  const bin = findPgBin();
  if (bin === undefined) throw new Error('no PostgreSQL binaries');
  const root = mkdtempSync(join(tmpdir(), 'rampart-private-pg-'));
  const uid = Number((await execFile('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await execFile('id', ['-g', 'postgres'])).stdout.trim());
  chownSync(root, uid, gid);
  const cluster = join(root, 'cluster');
  const port = await freePort();
  const asPostgres = (command: string, args: string[]) => execFile('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]);
  const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', cluster, '-l', join(root, 'postgres.log'), '-w', '-t', '60', ...args]);
  const start = async (): Promise<void> => {
    await pgCtl('-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start');
  };
  await asPostgres('initdb', ['-D', cluster, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
  await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(`CREATE ROLE rampart_app LOGIN PASSWORD 'rampart_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
  await admin.end();
  const ownerUrl = `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: ownerUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    ownerUrl,
    workingUrl: `postgres://rampart_app:rampart_app@127.0.0.1:${port}/${database}`,
    stop: async (mode = 'fast') => {
      await pgCtl('-m', mode, 'stop');
    },
    start,
    killConnections: async () => {
      const rows = await query<{ pid: number }>(
        'select pg_terminate_backend(pid) as killed, pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      return rows.length;
    },
    query,
    remove: async () => {
      if (existsSync(join(cluster, 'postmaster.pid'))) await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  readonly url: string;
  /** Kills the server (its data goes with it: `--save ''`). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: Child | undefined;
  const answers = async (): Promise<void> => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']).catch(() => ({ stdout: '' }));
      if (answer.stdout.trim() === 'PONG') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the private redis-server on port ${port} did not come up`);
  };
  const start = async (): Promise<void> => {
    child = startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await answers();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await child?.stop();
      child = undefined;
    },
    start,
  };
}
