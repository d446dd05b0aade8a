/**
 * A scratch deployment for a restore drill: a private temporary data directory and, on
 * PostgreSQL, a scratch database `rampart_drill_<random>` created on the same server as the
 * schema owner (which needs CREATEDB) and dropped afterwards. Its configuration is the live one
 * pointed at the scratch store, without witnesses, sinks, Redis or schedules: nothing done in the
 * scratch deployment reaches the live one's witnesses or files.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RampartConfig } from '../../kernel/config.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { Secret } from '../../kernel/domain/secret.js';
import type { ScratchDeployment } from '../ports/backup-ports.js';

function withDatabase(url: Secret<string>, database: string): Secret<string> {
  const parsed = new URL(url.reveal());
  parsed.pathname = `/${database}`;
  return new Secret(parsed.toString());
}

async function adminQuery(url: Secret<string>, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.reveal(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A scratch deployment of `config`'s, opened with `masterKey` (the live one: a scratch directory holds no key file). */
export async function createScratchDeployment(config: RampartConfig, masterKey: Secret<Buffer>): Promise<ScratchDeployment> {
  const root = await mkdtemp(join(tmpdir(), 'rampart-drill-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { mode: 0o700 });
  const quiet = { masterKey, auditWitnessUrl: undefined, auditWitnessFile: undefined, auditSinkFile: undefined, redisUrl: undefined };
  const owner = config.databaseMigrationUrl ?? config.databaseUrl;
  if (config.databaseUrl === undefined || owner === undefined) {
    return {
      config: { ...config, ...quiet, dataDir },
      location: dataDir,
      remove: () => rm(root, { recursive: true, force: true }),
    };
  }
  // A name of our own making (hex), so quoting it as an identifier is safe.
  const name = `rampart_drill_${randomKey(8).toString('hex')}`;
  await adminQuery(owner, `create database "${name}"`);
  return {
    config: {
      ...config,
      ...quiet,
      dataDir,
      databaseUrl: withDatabase(config.databaseUrl, name),
      databaseMigrationUrl: config.databaseMigrationUrl === undefined ? undefined : withDatabase(config.databaseMigrationUrl, name),
    },
    location: `database ${name}`,
    async remove() {
      await rm(root, { recursive: true, force: true });
      await adminQuery(owner, `drop database if exists "${name}" with (force)`);
    },
  };
}
