/**
 * {@link DatabaseSnapshot} on PostgreSQL, with Debian's client tools. The snapshot is one
 * REPEATABLE READ transaction that exports its snapshot (`pg_export_snapshot()`): the row counts
 * are read in it and `pg_dump --snapshot` dumps exactly it, so the dump and the counts are the same
 * committed state while servers keep writing. Both connect as the schema owner
 * (`RAMPART_DATABASE_MIGRATION_URL`, else `RAMPART_DATABASE_URL`) with `app.system` on, the
 * setting under which the tenant tables' row-level security shows every org's rows.
 *
 * The password goes to the tools in their environment (`PGPASSWORD`), never on a command line
 * (which any local user can read in /proc); the other connection parameters too. A dump that the
 * tool did not finish (a non-zero exit) errors its stream, so it never becomes a backup.
 * A restore is `pg_restore --single-transaction --exit-on-error`: all of the dump or nothing.
 */
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import pg from 'pg';
import type { Secret } from '../../kernel/domain/secret.js';
import type { DatabaseSnapshot, SnapshotFacts } from '../ports/database-snapshot.js';
import { readFacts } from './snapshot-facts.js';

/** libpq environment variables for `url` (https://www.postgresql.org/docs/current/libpq-envars.html). */
export function libpqEnvironment(url: Secret<string>): Record<string, string> {
  const parsed = new URL(url.reveal());
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    PGPORT: parsed.port === '' ? '5432' : parsed.port,
    PGDATABASE: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGOPTIONS: '-c app.system=on',
    PGCONNECT_TIMEOUT: '10',
  };
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null) env.PGSSLMODE = sslmode;
  return env;
}

/** The environment a client tool runs with: the process's, without any inherited PG* variable, plus `url`'s. */
function toolEnvironment(url: Secret<string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...inherited, ...libpqEnvironment(url) };
}

/** Runs `tool` with `args`; its stdout as a stream that ends only when the tool exits 0, and errors otherwise. */
function runTool(tool: string, args: readonly string[], url: Secret<string>, stdin?: Readable): { output: Readable; done: Promise<void> } {
  const child = spawn(tool, args, { env: toolEnvironment(url), stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const output = new PassThrough();
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < 4000) stderr += text;
  });
  child.stdout?.pipe(output, { end: false });
  if (stdin !== undefined && child.stdin !== null) {
    stdin.on('error', (error) => {
      child.kill('SIGKILL');
      output.destroy(error);
    });
    stdin.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
  }
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => {
      const failure = new Error(
        `${tool} could not be run (${(error as NodeJS.ErrnoException).code ?? 'error'}); install the PostgreSQL client`,
      );
      output.destroy(failure);
      reject(failure);
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        output.end();
        resolve();
        return;
      }
      const line = stderr.split('\n').find((text) => text.trim() !== '') ?? '';
      const failure = new Error(`${tool} failed (${signal ?? `exit ${code}`})${line === '' ? '' : `: ${line.slice(0, 300)}`}`);
      output.destroy(failure);
      reject(failure);
    });
  });
  done.catch(() => undefined);
  return { output, done };
}

export class PgSnapshot implements DatabaseSnapshot {
  readonly dialect = 'postgres' as const;
  readonly #url: Secret<string>;

  /** `url`: the schema owner's (the migration URL when there is one). */
  constructor(url: Secret<string>) {
    this.#url = url;
  }

  async #client(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url.reveal(), connectionTimeoutMillis: 10_000 });
    await client.connect();
    return client;
  }

  async snapshot<T>(consume: (dump: Readable, facts: SnapshotFacts) => Promise<T>): Promise<T> {
    const client = await this.#client();
    client.on('error', () => undefined);
    try {
      await client.query('begin isolation level repeatable read read only');
      await client.query("select set_config('app.system', 'on', true)");
      const exported = await client.query<{ id: string }>('select pg_export_snapshot() as id');
      const snapshotId = exported.rows[0]?.id ?? '';
      const facts = await readFacts(
        async (text) => (await client.query(text)).rows as Record<string, unknown>[],
        await this.#tables(client),
      );
      // The exporting transaction stays open until pg_dump has finished with its snapshot.
      const dump = runTool(
        'pg_dump',
        ['--format=custom', '--compress=0', `--snapshot=${snapshotId}`, '--enable-row-security', '--no-password'],
        this.#url,
      );
      const result = await consume(dump.output, facts);
      await dump.done;
      return result;
    } finally {
      await client.query('rollback').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  async facts(): Promise<SnapshotFacts> {
    const client = await this.#client();
    try {
      await client.query('begin isolation level repeatable read read only');
      await client.query("select set_config('app.system', 'on', true)");
      return await readFacts(async (text) => (await client.query(text)).rows as Record<string, unknown>[], await this.#tables(client));
    } finally {
      await client.query('rollback').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  async #tables(client: pg.Client): Promise<string[]> {
    const tables = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    return tables.rows.map((row) => row.name);
  }

  async isEmpty(): Promise<boolean> {
    const client = await this.#client();
    try {
      const result = await client.query<{ n: string }>(
        "select count(*) as n from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
      );
      return Number(result.rows[0]?.n ?? 0) === 0;
    } finally {
      await client.end();
    }
  }

  async restore(dump: Readable, options: { readonly replace: boolean }): Promise<void> {
    if (!options.replace && !(await this.isEmpty())) throw new Error('the database is not empty');
    const database = libpqEnvironment(this.#url).PGDATABASE ?? '';
    const args = ['--no-owner', '--single-transaction', '--exit-on-error', '--no-password', `--dbname=${database}`];
    if (options.replace) args.push('--clean', '--if-exists');
    const restore = runTool('pg_restore', args, this.#url, dump);
    restore.output.resume();
    await restore.done;
  }
}
