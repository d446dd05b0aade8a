/**
 * The data directory holds the embedded database and the master key: 0700, and every file in it
 * 0600 (spec, "Configuration"). `prepareDataDirectory` creates it so and refuses, naming the path
 * and the fix, one that other users can read; `ensurePrivateFile` makes a file 0600 before
 * anything is written to it; and the SQLite files the server creates later (-wal, -shm) come out
 * 0600 too, even when the process runs with a permissive umask (022, the usual default).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataDirectoryError,
  ensurePrivateFile,
  inspectDataDirectory,
  prepareDataDirectory,
} from '../../../../src/kernel/adapters/fs/data-directory.js';
import { createLogger } from '../../../../src/kernel/adapters/log/pino-logger.js';
import { loadConfig } from '../../../../src/config.js';
import { startServer } from '../../../../src/serve.js';
import { LogCapture } from '../../../helpers/rampart.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-datadir-'));
  roots.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function refusal(dir: string): DataDirectoryError {
  try {
    prepareDataDirectory(dir);
  } catch (error) {
    if (error instanceof DataDirectoryError) return error;
    throw error;
  }
  throw new Error(`${dir} was accepted`);
}

describe('prepareDataDirectory', () => {
  it('creates a missing directory, parents included, 0700', () => {
    const dir = join(root(), 'a', 'b', 'data');
    prepareDataDirectory(dir);
    expect(mode(dir)).toBe(0o700);
    expect(inspectDataDirectory(dir)).toEqual([]);
    prepareDataDirectory(dir); // and accepts it again
  });

  it('refuses an existing 0755 directory, naming it and the fix', () => {
    const dir = join(root(), 'data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const error = refusal(dir);
    expect(error.message).toContain(`${dir} is 0755`);
    expect(error.message).toContain(`chmod -R go-rwx ${dir}`);
    expect(error.message).toMatch(/^RAMPART_DATA_DIR: /);
    expect(mode(dir)).toBe(0o755); // refused, not silently changed
  });

  it('refuses a 0644 file inside a 0700 directory, naming the file', () => {
    const dir = join(root(), 'data');
    prepareDataDirectory(dir);
    const file = join(dir, 'master.key');
    writeFileSync(file, 'x', { mode: 0o600 });
    chmodSync(file, 0o644);
    const error = refusal(dir);
    expect(error.message).toContain(`${file} is 0644`);
    expect(error.message).toContain('chmod -R go-rwx');
  });

  it('refuses a group-readable file in a subdirectory', () => {
    const dir = join(root(), 'data');
    prepareDataDirectory(dir);
    mkdirSync(join(dir, 'backups'), { mode: 0o700 });
    const file = join(dir, 'backups', 'one.db');
    writeFileSync(file, 'x', { mode: 0o600 });
    chmodSync(file, 0o640);
    expect(refusal(dir).message).toContain(`${file} is 0640`);
  });
});

describe('ensurePrivateFile', () => {
  it('creates a missing file 0600', () => {
    const file = join(root(), 'new.db');
    ensurePrivateFile(file);
    expect(mode(file)).toBe(0o600);
  });

  it('makes an existing 0644 file 0600 and keeps its content', () => {
    const file = join(root(), 'old.db');
    writeFileSync(file, 'content');
    chmodSync(file, 0o644);
    ensurePrivateFile(file);
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('content');
  });
});

describe('the files the server creates', () => {
  it('are 0600 — the SQLite -wal and -shm included — under a permissive umask (022)', async () => {
    const dataDir = join(root(), 'data');
    const previous = process.umask(0o022);
    try {
      const config = loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_PORT: '0', RAMPART_LOG_LEVEL: 'warn' } });
      const server = await startServer(config, { logger: createLogger(config.logLevel, new LogCapture()) });
      try {
        const { db } = server.rampart.database;
        await sql`create table umask_probe(id integer primary key)`.execute(db);
        await sql`insert into umask_probe(id) values (1)`.execute(db);
        const files = readdirSync(dataDir).sort();
        expect(files).toEqual(expect.arrayContaining(['master.key', 'rampart.db', 'rampart.db-shm', 'rampart.db-wal']));
        expect(mode(dataDir)).toBe(0o700);
        for (const file of files) expect({ file, mode: mode(join(dataDir, file)) }).toEqual({ file, mode: 0o600 });
      } finally {
        await server.close();
      }
    } finally {
      process.umask(previous);
    }
  });
});
