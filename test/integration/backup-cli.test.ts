/**
 * `rampart backup`, `rampart restore` and `rampart restore-drill` run for real (the `rampart`
 * entry through tsx) beside a serving deployment: exit codes, `--json` results, the refusal of a
 * restore over data, a drill on a corrupted backup exiting 1 naming the check, and a backup killed
 * with SIGKILL half-way leaving nothing that `restore` accepts.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { backends, tempDataDir, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { cleanEnv } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MASTER_KEY = Buffer.alloc(32, 0x51).toString('base64');

interface Run {
  readonly code: number | null;
  readonly json: Record<string, unknown>;
  readonly stderr: string;
}

function rampart(args: readonly string[], env: Record<string, string>, onStart?: (kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    onStart?.(() => child.kill('SIGKILL'));
    child.once('error', reject);
    child.once('close', (code) => {
      const line =
        stdout
          .trim()
          .split('\n')
          .reverse()
          .find((text) => text.startsWith('{')) ?? '{}';
      resolve({ code, json: JSON.parse(line) as Record<string, unknown>, stderr });
    });
  });
}

const sqlite = (await backends()).find((backend) => backend.name === 'sqlite')!;

describe('backup commands', () => {
  let store: BackendInstance;
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;
  const others: BackendInstance[] = [];

  beforeAll(async () => {
    store = await sqlite.create();
    env = { ...store.env, ...ADMIN_ENV, RAMPART_MASTER_KEY: MASTER_KEY, RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false' };
    server = await testServer(store, { env });
    dir = join(tempDataDir('rampart-backup-cli-'), 'backups');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    for (const other of others) await other.cleanup();
    await store?.cleanup();
  });

  it('backups 1, 3: backup, then restore into an empty directory; a second restore over it is refused (exit 1, not_empty)', async () => {
    const backup = await rampart(['backup', '--dir', dir, '--json'], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.json).toMatchObject({ ok: true });
    const manifest = String(backup.json.manifest);
    const target = await sqlite.create();
    others.push(target);
    const targetEnv = { ...target.env, RAMPART_MASTER_KEY: MASTER_KEY };
    const restore = await rampart(['restore', '--from', manifest, '--json'], targetEnv);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.json).toMatchObject({ ok: true, backup: backup.json.id });
    const again = await rampart(['restore', '--from', manifest, '--json'], targetEnv);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ ok: false, error: { code: 'not_empty' } });
  }, 120_000);

  it('backups 4: restore-drill on a corrupted backup exits 1 naming the failed check', async () => {
    const manifest = readdirSync(dir).find((name) => name.endsWith('.manifest.json'))!;
    const part = join(dir, manifest.replace('.manifest.json', '.0.rbk'));
    const original = readFileSync(part);
    const flipped = Buffer.from(original);
    flipped[original.length - 20]! ^= 0x04;
    writeFileSync(part, flipped);
    try {
      const drill = await rampart(['restore-drill', '--dir', dir, '--json'], env);
      expect(drill.code).toBe(1);
      expect(drill.json).toMatchObject({ ok: false, checks: [{ name: 'manifest', ok: false }] });
      expect(String((drill.json.checks as { detail: string }[])[0]?.detail)).toMatch(/part_hash/);
    } finally {
      writeFileSync(part, original);
    }
  }, 120_000);

  it('backups 1: a backup killed with SIGKILL half-way leaves no file that restore accepts', async () => {
    // Incompressible rows make the backup long enough to be killed while it writes.
    await sql`create table if not exists backup_kill_padding (data blob)`.execute(server.stored.db);
    for (let i = 0; i < 48; i += 1)
      await sql`insert into backup_kill_padding (data) values (${randomBytes(1024 * 1024)})`.execute(server.stored.db);
    const killedDir = join(tempDataDir('rampart-backup-killed-'), 'backups');
    const run = await rampart(['backup', '--dir', killedDir, '--json'], env, (kill) => {
      const poll = setInterval(() => {
        let names: string[] = [];
        try {
          names = readdirSync(killedDir);
        } catch {
          return;
        }
        if (names.length > 0) {
          clearInterval(poll);
          kill();
        }
      }, 2);
    });
    expect(run.code).toBeNull();
    expect(readdirSync(killedDir).filter((name) => name.endsWith('.manifest.json'))).toEqual([]);
    const target = await sqlite.create();
    others.push(target);
    const restore = await rampart(['restore', '--from', killedDir, '--json'], { ...target.env, RAMPART_MASTER_KEY: MASTER_KEY });
    expect(restore.code).toBe(1);
    expect(restore.json).toMatchObject({ ok: false, error: { code: 'backup_not_found' } });
  }, 120_000);
});
